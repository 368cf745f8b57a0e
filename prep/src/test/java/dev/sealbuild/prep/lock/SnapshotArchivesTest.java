package dev.sealbuild.prep.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.prep.packages.PackageException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SnapshotArchivesTest {
  private static final Sha256 SHA = Sha256.hash("index".getBytes(StandardCharsets.UTF_8));
  private static final LockedRepository DEBIAN = new LockedRepository("debian", "debian",
      List.of(new LockedRepository.Index("dists/bookworm/InRelease", SHA, "2026-07-11T10:16:37Z", "ABCD")), null);
  private static final LockedRepository SECURITY = new LockedRepository("debian-security", "debian",
      List.of(new LockedRepository.Index("dists/bookworm-security/InRelease", SHA, "2026-07-12T01:02:03Z", "ABCD")), null);
  private static final LockedRepository ALPINE = new LockedRepository("main", "alpine",
      List.of(new LockedRepository.Index("x86_64/APKINDEX.tar.gz", SHA, "2026-07-11T10:16:37Z", null)), null);

  @Test
  void debianSnapshotsAreNamedByTheLockedInReleaseDate() {
    SnapshotArchives archives = SnapshotArchives.parse(List.of("https://snapshot.example/archive/debian/{timestamp}",
        "debian-security=https://snapshot.example/archive/debian-security/{timestamp}/"));
    assertEquals(Optional.of(URI.create("https://snapshot.example/archive/debian/20260711T101637Z/pool/main/c/curl/curl.deb")),
        archives.url(DEBIAN, "pool/main/c/curl/curl.deb"));
    assertEquals(Optional.of(URI.create("https://snapshot.example/archive/debian-security/20260712T010203Z/pool/x.deb")),
        archives.url(SECURITY, "pool/x.deb"), "a repository's own template wins");
    assertEquals(Optional.empty(), archives.url(ALPINE, "x86_64/hello-1.0-r0.apk"), "a timestamped template is Debian's");
    assertEquals(Optional.empty(), SnapshotArchives.none().url(DEBIAN, "pool/x.deb"));
  }

  @Test
  void aUrlWithoutTimestampIsAPlainFallbackMirrorForAlpineToo() {
    SnapshotArchives archives = SnapshotArchives.parse(List.of("main=https://cdn.example/alpine/v3.20/main"));
    assertEquals(Optional.of(URI.create("https://cdn.example/alpine/v3.20/main/x86_64/hello-1.0-r0.apk")),
        archives.url(ALPINE, "x86_64/hello-1.0-r0.apk"));
    assertEquals(Optional.empty(), archives.url(DEBIAN, "pool/x.deb"), "named for one repository only");
  }

  @Test
  void aUrlThatIsNotHttpIsAOneLineError() {
    PackageException e = assertThrows(PackageException.class, () -> SnapshotArchives.parse(List.of("debian=file:///srv/{timestamp}")));
    assertTrue(e.getMessage().startsWith("--snapshot 'debian=file:///srv/{timestamp}' must be [REPOSITORY=]URL"), e.getMessage());
  }
}
