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
  void aptGetPurgeWithAutoRemoveOfThePackagesTheSameRunInstalledMakesThemBuildOnly() {
    RunIdioms.Analysis a = analyze("set -eux; apt-get update; apt-get install -y --no-install-recommends gcc libc6-dev make;"
        + " make -C /src; apt-get purge -y --auto-remove gcc libc6-dev make; rm -rf /var/lib/apt/lists/*");
    assertEquals(List.of(), a.packages());
    assertEquals(List.of("gcc", "libc6-dev", "make"), a.buildPackages());
    assertEquals("set -eux; make -C /src", a.remaining());
    assertTrue(a.needsUser().isEmpty(), a.needsUser().toString());
    assertTrue(a.notes().stream().anyMatch(n -> n.contains("become buildPackages")), a.notes().toString());
  }

  @Test
  void aptGetAutoremoveAfterAPurgeCountsAsAutoRemove() {
    RunIdioms.Analysis a = analyze("apt-get install -y curl gcc && make && apt-get purge -y gcc && apt-get autoremove -y");
    assertEquals(List.of("curl"), a.packages());
    assertEquals(List.of("gcc"), a.buildPackages());
    assertEquals("make", a.remaining());
  }

  @Test
  void aptGetPurgeWithoutAutoRemoveRunsInTheStepWithARemark() {
    RunIdioms.Analysis a = analyze("apt-get install -y gcc make && make -C /src && apt-get purge -y gcc make");
    assertEquals(List.of("gcc", "make"), a.packages());
    assertEquals(List.of(), a.buildPackages());
    assertEquals("make -C /src && apt-get purge -y gcc make", a.remaining(),
        "dpkg removes them in the step and their dependencies stay, as apt's would (DockerfileDebianIT checks it)");
    assertEquals(1, a.remarks().size());
    assertTrue(a.remarks().get(0).contains("their dependencies stay"), a.remarks().get(0));
  }

  @Test
  void apkDelOfAVirtualPackageMakesItsPackagesBuildOnly() {
    RunIdioms.Analysis a = analyze("apk add --no-cache tini && apk add --no-cache --virtual .build-deps gcc musl-dev"
        + " && make && apk del .build-deps");
    assertEquals(List.of("tini"), a.packages());
    assertEquals(List.of("gcc", "musl-dev"), a.buildPackages());
    assertEquals("make", a.remaining());
  }

  @Test
  void apkDelOfAPackageNamedByTheSameRunMakesItBuildOnlyAndOfAnotherRunsAsWritten() {
    RunIdioms.Analysis a = analyze("apk add gcc && make && apk del gcc");
    assertEquals(List.of("gcc"), a.buildPackages());
    RunIdioms.Analysis other = analyze("apk add gcc && apk del busybox-extras");
    assertEquals(List.of("gcc"), other.packages());
    assertEquals("apk del busybox-extras", other.remaining());
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

  @Test
  void aLanguagePackageManagerIsNamedWithASpecFragmentThatReads() {
    for (String command : List.of("pip install -r requirements.txt", "npm ci", "go mod download", "bundle install",
        "cargo build --release", "mvn package")) {
      aSpecFragmentThatReads(command);
    }
  }

  private static void aSpecFragmentThatReads(String command) {
    List<String> needs = analyze(command).needsUser();
    assertEquals(1, needs.size(), needs.toString());
    String message = needs.get(0);
    int start = message.indexOf("spec: ");
    int step = message.indexOf(", step: ");
    assertTrue(start > 0 && step > start, message);
    String fragment = message.substring(start + "spec: ".length(), message.lastIndexOf(']', step) + 1);
    dev.sealbuild.lockfiles.spec.BuildSpec spec = new dev.sealbuild.lockfiles.spec.SpecReader(Map.of())
        .parse("fragment.yaml", "name: app\n" + fragment + "\nrun: [make]\n");
    assertEquals(1, spec.copy().size(), fragment);
  }
}
