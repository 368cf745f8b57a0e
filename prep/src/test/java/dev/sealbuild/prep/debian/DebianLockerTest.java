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
      assertEquals(List.of(new ExcludedPackage("perl-base", List.of("app", "tool"), List.of(Platform.LINUX_AMD64),
          List.of("app -> perl-base", "tool -> perl-base"))), pinned.excluded());
    }
  }

  @Test
  void versionAndSuiteRequestsPinWhatTheyName() throws Exception {
    TestPgp.Key key = TestPgp.newKey("Synthetic Archive <archive@sealbuild.invalid>");
    try (SyntheticRepository stable = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), key, List.of(
            SyntheticRepository.pkg("app", "2.0", "Depends: debconf | debconf-2.0\n"),
            SyntheticRepository.pkg("app", "1.0", ""),
            SyntheticRepository.pkg("tool", "1.0", ""),
            SyntheticRepository.pkg("debconf", "1.5", "Provides: debconf-2.0\n"),
            SyntheticRepository.pkg("cdebconf", "0.2", "Provides: debconf-2.0\n")));
         SyntheticRepository updates = new SyntheticRepository(SyntheticRepository.Spec.simple("stable-updates"), key,
             List.of(SyntheticRepository.pkg("tool", "1.1", "")))) {
      Files.write(dir.resolve("archive.gpg"), key.keyringBytes());
      DebianLocker locker = new DebianLocker(new Mirrors(Map.of("stable", stable.base(), "updates", updates.base()),
          AptSources.host()), dev.sealbuild.prep.http.TransportFixtures.transport(2), dir, Clock.systemUTC(), false,
          message -> { });
      String repositories = """
          name: requests
          repositories:
            - {name: stable, type: debian, suite: stable, keyring: archive.gpg}
            - {name: updates, type: debian, suite: stable-updates, keyring: archive.gpg}
          """;
      PackageLocker.Pinned pinned = locker.lock(new SpecReader(Map.of()).parse("build.yaml",
          repositories + "packages: [app=1.0, tool/stable]\n"), new LockedBase(null, null));
      assertEquals(List.of("app 1.0 stable", "tool 1.0 stable"),
          pinned.packages().stream().map(p -> p.name() + " " + p.version() + " " + p.repository()).toList());

      pinned = locker.lock(new SpecReader(Map.of()).parse("build.yaml",
          repositories + "packages: [app, tool]\nexclude: [debconf]\n"), new LockedBase(null, null));
      assertEquals(List.of("app 2.0 stable", "tool 1.1 updates"),
          pinned.packages().stream().map(p -> p.name() + " " + p.version() + " " + p.repository()).toList(),
          "debconf is absent and counts as present: cdebconf is not pulled in its place");
      assertEquals(List.of(new ExcludedPackage("debconf", List.of("app"), List.of(Platform.LINUX_AMD64),
          List.of("app -> debconf | debconf-2.0"))),
          pinned.excluded());

      pinned = locker.lock(new SpecReader(Map.of()).parse("build.yaml", repositories.replace(
          "suite: stable-updates,", "suite: stable-updates, priority: 100,") + "packages: [tool]\n"), new LockedBase(null, null));
      assertEquals(List.of("tool 1.0 stable"), pinned.packages().stream()
          .map(p -> p.name() + " " + p.version() + " " + p.repository()).toList(), "priority: 100 on updates: stable's wins");

      PackageException arch = assertThrows(PackageException.class, () -> locker.lock(new SpecReader(Map.of())
          .parse("build.yaml", repositories + "packages: [tool, 'app:arm64']\n"), new LockedBase(null, null)));
      assertTrue(arch.getMessage().startsWith("package 'app:arm64' needs the arm64 index of stable: ")
          && arch.getMessage().contains("architecture arm64 is not in this release") && !arch.getMessage().contains("\n"),
          arch.getMessage());

      PackageException e = assertThrows(PackageException.class, () -> locker.lock(new SpecReader(Map.of())
          .parse("build.yaml", repositories + "packages: [tool/unstable]\n"), new LockedBase(null, null)));
      assertEquals("linux/amd64: package tool/unstable: no repositories: entry has suite 'unstable'; suites: stable,"
          + " stable-updates", e.getMessage());
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

  @Test
  void theLockReturnsOnlyOnceTheParsedIndexesAreWrittenAndSoDoesAFailedOne() throws Exception {
    TestPgp.Key key = TestPgp.newKey("Synthetic Archive <archive@sealbuild.invalid>");
    List<String> events = new java.util.ArrayList<>();
    IndexCache recording = new IndexCache() {
      @Override
      public java.util.Optional<Path> find(dev.sealbuild.formats.digest.Sha256 digest) {
        return java.util.Optional.empty();
      }

      @Override
      public <T> T storeWhileReading(java.io.InputStream raw, dev.sealbuild.formats.digest.Sha256 digest, long size,
          String source, StreamReader<T> reader) throws java.io.IOException {
        return reader.read(raw);
      }

      @Override
      public void discard(dev.sealbuild.formats.digest.Sha256 digest) {
      }

      @Override
      public void keepParsed(dev.sealbuild.formats.digest.Sha256 digest, String architecture, ParsedPackages packages) {
        events.add("keep " + architecture);
      }

      @Override
      public void awaitWrites() {
        events.add("await");
      }
    };
    try (SyntheticRepository repo = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), key,
        List.of(SyntheticRepository.pkg("app", "1.0", "")))) {
      Files.write(dir.resolve("archive.gpg"), key.keyringBytes());
      DebianLocker locker = new DebianLocker(new Mirrors(Map.of("synthetic", repo.base()), AptSources.host()),
          dev.sealbuild.prep.http.TransportFixtures.transport(2), dir, Clock.systemUTC(), false, message -> { },
          recording);
      String repositories = """
          name: awaiting
          repositories:
            - {name: synthetic, type: debian, suite: stable, keyring: archive.gpg}
          """;
      locker.lock(new SpecReader(Map.of()).parse("build.yaml", repositories + "packages: [app]\n"),
          new LockedBase(null, null));
      assertEquals(List.of("keep amd64", "await"), events);
      events.clear();
      assertThrows(PackageException.class, () -> locker.lock(new SpecReader(Map.of()).parse("build.yaml",
          repositories + "packages: [no-such-package]\n"), new LockedBase(null, null)));
      assertEquals(List.of("keep amd64", "await"), events, "waited for though the lock failed");
    }
  }
}
