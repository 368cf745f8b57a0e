package dev.sealbuild.builder.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.source.LocalFileDigests;
import dev.sealbuild.formats.digest.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSourcesTest {
  @TempDir Path work;

  private Path project(String name) throws Exception {
    Path dir = Files.createDirectories(work.resolve(name));
    Files.createDirectories(dir.resolve("site/css"));
    Files.writeString(dir.resolve("site/index.html"), "<h1>hi</h1>\n");
    Files.writeString(dir.resolve("site/css/a.css"), "body {}\n");
    Files.createSymbolicLink(dir.resolve("site/home.html"), Path.of("index.html"));
    Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\n");
    return dir;
  }

  /** One build's digests for every call of a test: a change between calls must show through them. */
  private final LocalFileDigests files = new LocalFileDigests();

  private Sha256 digest(Path dir) {
    return LocalSources.digest(dir, List.of("site", "run.sh"), files).orElseThrow();
  }

  @Test
  void theSameSourcesAnywhereHashTheSame() throws Exception {
    assertEquals(digest(project("a")), digest(project("elsewhere/b")));
  }

  @Test
  void everyChangeACopyCouldSeeChangesTheDigest() throws Exception {
    Path dir = project("a");
    Sha256 before = digest(dir);
    Files.writeString(dir.resolve("site/css/a.css"), "body {color: red}\n");
    Sha256 content = digest(dir);
    assertNotEquals(before, content);
    Files.writeString(dir.resolve("site/css/a.css"), "body {color: tan}\n"); // same size
    Files.setLastModifiedTime(dir.resolve("site/css/a.css"), java.nio.file.attribute.FileTime.fromMillis(0));
    Sha256 sameSize = digest(dir);
    Files.setLastModifiedTime(dir.resolve("site/css/a.css"), java.nio.file.attribute.FileTime.fromMillis(0));
    assertNotEquals(content, sameSize);
    Files.writeString(dir.resolve("site/css/a.css"), "body {color: red}\n"); // back, same size, same mtime
    Files.setLastModifiedTime(dir.resolve("site/css/a.css"), java.nio.file.attribute.FileTime.fromMillis(0));
    assertEquals(content, digest(dir), "the bytes decide, not what was hashed before");
    Files.writeString(dir.resolve("site/css/b.css"), "");
    Sha256 added = digest(dir);
    assertNotEquals(content, added);
    Files.delete(dir.resolve("site/home.html"));
    Files.createSymbolicLink(dir.resolve("site/home.html"), Path.of("css/a.css"));
    Sha256 retargeted = digest(dir);
    assertNotEquals(added, retargeted);
    Files.setPosixFilePermissions(dir.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    assertNotEquals(retargeted, digest(dir));
    Files.setLastModifiedTime(dir.resolve("run.sh"), java.nio.file.attribute.FileTime.fromMillis(0));
    Sha256 touched = digest(dir);
    Files.setLastModifiedTime(dir.resolve("run.sh"), java.nio.file.attribute.FileTime.fromMillis(1_000_000));
    assertEquals(touched, digest(dir), "mtimes are not part of it");
  }

  @Test
  void aMissingSourceHasNoDigest() throws Exception {
    Path dir = project("a");
    assertTrue(LocalSources.digest(dir, List.of("site", "gone.txt"), files).isEmpty());
  }

  @Test
  void theSameBytesUnderAnotherNameAreAnotherSource() throws Exception {
    Path dir = project("a");
    Files.writeString(dir.resolve("other.sh"), "#!/bin/sh\n");
    assertNotEquals(LocalSources.digest(dir, List.of("run.sh"), files), LocalSources.digest(dir, List.of("other.sh"), files));
  }
}
