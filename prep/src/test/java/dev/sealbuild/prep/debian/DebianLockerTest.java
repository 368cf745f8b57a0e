package dev.sealbuild.prep.debian;

import dev.sealbuild.testsupport.deb.TestPgp;
import dev.sealbuild.testsupport.deb.SyntheticRepository;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.UserError;
import dev.sealbuild.lockfiles.lock.ExcludedPackage;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.spec.SpecReader;
import dev.sealbuild.prep.packages.DebianLocker;
import dev.sealbuild.prep.packages.LockedBase;
import dev.sealbuild.prep.packages.Mirrors;
import dev.sealbuild.prep.packages.PackageException;
import dev.sealbuild.prep.packages.PackageLocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DebianLocker against a signed synthetic repository: what {@code exclude:} dropped reaches the lock; bad metadata is a user error. */
class DebianLockerTest {
  @TempDir Path dir;

  @Test
  void theLockListsWhatExcludeDroppedAndWhoNeededIt() throws Exception {
    TestPgp.Key key = TestPgp.newKey("Synthetic Archive <archive@sealbuild.invalid>");
    List<String> stanzas = List.of(
        SyntheticRepository.pkg("app", "1.0", "Depends: perl-base, libc\n"),
        SyntheticRepository.pkg("tool", "2.0", "Depends: perl-base\n"),
        SyntheticRepository.pkg("perl-base", "5.36", ""),
        SyntheticRepository.pkg("libc", "2.36", ""));
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), key, stanzas)) {
      Files.write(dir.resolve("archive.gpg"), key.keyringBytes());
      BuildSpec spec = new SpecReader(Map.of()).parse("build.yaml", """
          name: excluding
          repositories:
            - {name: synthetic, type: debian, suite: stable, keyring: archive.gpg}
          packages: [app, tool]
          exclude: [perl-base]
          """);
      DebianLocker locker = new DebianLocker(new Mirrors(Map.of("synthetic", repo.base()), AptSources.host()), dev.sealbuild.prep.http.TransportFixtures.transport(2), dir,
          Clock.systemUTC(), false, message -> { });
      PackageLocker.Pinned pinned = locker.lock(spec, new LockedBase(null, null));
      assertEquals(List.of("app", "libc", "tool"), pinned.packages().stream().map(LockedPackage::name).toList());
      assertEquals(List.of(new ExcludedPackage("perl-base", List.of("app", "tool"), List.of(Platform.LINUX_AMD64))), pinned.excluded());
    }
  }

  @Test
  void metadataThatFailsVerificationIsAUserError() throws Exception {
    TestPgp.Key signer = TestPgp.newKey("Synthetic Archive <archive@sealbuild.invalid>");
    TestPgp.Key other = TestPgp.newKey("Someone Else <else@sealbuild.invalid>");
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), signer,
        List.of(SyntheticRepository.pkg("app", "1.0", "")))) {
      Files.write(dir.resolve("other.gpg"), other.keyringBytes());
      BuildSpec spec = new SpecReader(Map.of()).parse("build.yaml", """
          name: unverified
          repositories:
            - {name: synthetic, type: debian, suite: stable, keyring: other.gpg}
          packages: [app]
          """);
      DebianLocker locker = new DebianLocker(new Mirrors(Map.of("synthetic", repo.base()), AptSources.host()), dev.sealbuild.prep.http.TransportFixtures.transport(2), dir,
          Clock.systemUTC(), false, message -> { });
      PackageException e = assertThrows(PackageException.class, () -> locker.lock(spec, new LockedBase(null, null)));
      assertTrue(e instanceof UserError && e.getCause() instanceof DebianMetadataException, e.toString());
      assertTrue(e.getMessage().contains("InRelease"), e.getMessage());
    }
  }
}
