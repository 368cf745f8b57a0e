package dev.sealbuild.lockfiles.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The RUN idioms of real Dockerfiles (bench/dockerfiles), one command line at a time. */
class RunIdiomsTest {
  private static RunIdioms.Analysis analyze(String script) {
    return new RunIdioms(Map.of("TINI_VERSION", "v0.19.0"), "/").analyze(script);
  }

  @Test
  void aptGetPurgeOfThePackagesTheSameRunInstalledRunsInTheStepWithARemark() {
    RunIdioms.Analysis a = analyze("set -eux; apt-get update; apt-get install -y --no-install-recommends gcc libc6-dev make;"
        + " make -C /src; apt-get purge -y --auto-remove gcc libc6-dev make; rm -rf /var/lib/apt/lists/*");
    assertEquals(List.of("gcc", "libc6-dev", "make"), a.packages());
    assertEquals("set -eux; make -C /src; apt-get purge -y --auto-remove gcc libc6-dev make", a.remaining(),
        "dpkg removes them in the step (DockerfileDebianIT checks it)");
    assertTrue(a.needsUser().isEmpty(), a.needsUser().toString());
    assertEquals(1, a.remarks().size());
    assertTrue(a.remarks().get(0).contains("their dependencies stay"), a.remarks().get(0));
  }

  @Test
  void aptGetPurgeOfAPackageTheBaseHadRunsAsWritten() {
    RunIdioms.Analysis a = analyze("apt-get install -y curl && apt-get purge -y vim-tiny");
    assertEquals(List.of("curl"), a.packages());
    assertEquals("apt-get purge -y vim-tiny", a.remaining());
    assertTrue(a.needsUser().isEmpty(), a.needsUser().toString());
  }

  @Test
  void aUrlWithABracedVariableIsPinnedWithItsValue() {
    RunIdioms.Analysis a = analyze("curl -fsSL -o /usr/local/bin/tini https://example.org/${TINI_VERSION}/tini-amd64"
        + " && chmod +x /usr/local/bin/tini");
    assertEquals(1, a.downloads().size());
    assertEquals("https://example.org/v0.19.0/tini-amd64", a.downloads().get(0).url());
    assertEquals("chmod +x /usr/local/bin/tini", a.remaining());
    assertTrue(a.needsUser().isEmpty(), a.needsUser().toString());
  }

  @Test
  void anUnknownBracedVariableLeavesTheDownloadToTheUser() {
    RunIdioms.Analysis a = analyze("curl -fsSL -o /tool https://example.org/${UNSET}/tool");
    assertTrue(a.downloads().isEmpty());
    assertEquals(1, a.needsUser().size());
  }

  @Test
  void anApkVersionBoundBecomesABareNameAndANote() {
    RunIdioms.Analysis a = analyze("apk add --no-cache 'su-exec>=0.2' tzdata");
    assertEquals(List.of("su-exec", "tzdata"), a.packages());
    assertTrue(a.notes().stream().anyMatch(n -> n.contains(">=0.2")), a.notes().toString());
    assertTrue(a.needsUser().isEmpty(), a.needsUser().toString());
  }

  @Test
  void anExactApkVersionOrATagNeedsTheUser() {
    RunIdioms.Analysis a = analyze("apk add --no-cache curl=8.9.1-r0 tini@community");
    assertEquals(List.of("curl", "tini"), a.packages());
    assertEquals(2, a.needsUser().size(), a.needsUser().toString());
  }
}
