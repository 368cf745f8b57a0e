package dev.sealbuild.prep.debian;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReleaseTest {
  static final String TEXT = "Origin: Debian\n"
      + "Suite: oldstable-updates\n"
      + "Codename: bookworm-updates\n"
      + "Date: Sat, 11 Jul 2026 10:16:37 UTC\n"
      + "Valid-Until: Sat, 18 Jul 2026 10:16:37 UTC\n"
      + "Acquire-By-Hash: yes\n"
      + "No-Support-for-Architecture-all: Packages\n"
      + "Architectures: all amd64 arm64\n"
      + "Components: main contrib\n"
      + "MD5Sum:\n"
      + " 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 main/binary-amd64/Packages\n"
      + "SHA256:\n"
      + " " + "1".repeat(64) + " 50060337 main/binary-amd64/Packages\n"
      + " " + "2".repeat(64) + "  8790396 main/binary-amd64/Packages.xz\n";

  @Test
  void parsesTheFieldsTheReaderNeeds() throws Exception {
    Release r = Release.parse(TEXT, "test");
    assertEquals("oldstable-updates", r.suite());
    assertEquals("bookworm-updates", r.codename());
    assertEquals(Instant.parse("2026-07-11T10:16:37Z"), r.date());
    assertEquals(Optional.of(Instant.parse("2026-07-18T10:16:37Z")), r.validUntil());
    assertTrue(r.acquireByHash());
    assertTrue(r.noArchitectureAllPackages());
    assertEquals(List.of("all", "amd64", "arm64"), r.architectures());
    assertEquals(List.of("main", "contrib"), r.components());
    assertEquals(2, r.sha256Files().size(), "only the SHA256 list, not MD5Sum");
    Release.FileEntry xz = r.file("main/binary-amd64/Packages.xz").orElseThrow();
    assertEquals(8790396, xz.size());
    assertEquals("2".repeat(64), xz.sha256().hex());
    assertTrue(r.isSuite("bookworm-updates") && r.isSuite("oldstable-updates") && !r.isSuite("bookworm"));
    assertEquals(500, r.defaultPinPriority());
    assertTrue(r.hasComponent("main") && !r.hasComponent("non-free"));
    Release security = Release.parse("Suite: x\nDate: Sat, 11 Jul 2026 10:16:37 UTC\nComponents: updates/main\n", "t");
    assertTrue(security.hasComponent("main") && security.hasComponent("updates/main"), "as apt reads it");
  }

  @Test
  void refusesExpiredMetadataUnlessAllowed() throws Exception {
    Release r = Release.parse(TEXT, "http://mirror/dists/bookworm-updates/InRelease");
    Instant later = Instant.parse("2026-07-19T00:00:00Z");
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> r.checkNotExpired(later, false, "http://mirror/dists/bookworm-updates/InRelease"));
    assertEquals(DebianMetadataException.Kind.EXPIRED, e.kind());
    assertTrue(e.getMessage().contains("--allow-expired-metadata") && e.getMessage().contains("2026-07-18T10:16:37Z")
        && e.getMessage().contains("http://mirror/dists/bookworm-updates/InRelease"), e.getMessage());
    assertDoesNotThrow(() -> r.checkNotExpired(later, true, "x"));
    assertDoesNotThrow(() -> r.checkNotExpired(Instant.parse("2026-07-12T00:00:00Z"), false, "x"));
  }

  @Test
  void acceptsNumericZonesAndNotAutomaticPins() throws Exception {
    Release r = Release.parse("Suite: experimental\nDate: Mon, 2 Mar 2026 01:02:03 +0100\nNotAutomatic: yes\n", "t");
    assertEquals(Instant.parse("2026-03-02T00:02:03Z"), r.date());
    assertEquals(1, r.defaultPinPriority());
    assertFalse(r.acquireByHash());
    Release backports = Release.parse(
        "Suite: bookworm-backports\nDate: Mon, 2 Mar 2026 01:02:03 UTC\nNotAutomatic: yes\n"
            + "ButAutomaticUpgrades: yes\n", "t");
    assertEquals(100, backports.defaultPinPriority());
  }

  @Test
  void rejectsMissingDateAndBadHashLines() {
    DebianMetadataException e = assertThrows(DebianMetadataException.class, () -> Release.parse("Suite: x\n", "t"));
    assertEquals(DebianMetadataException.Kind.BAD_RELEASE, e.kind());
    assertTrue(e.getMessage().contains("no Date"), e.getMessage());
    e = assertThrows(DebianMetadataException.class, () -> Release.parse(
        "Suite: x\nDate: Sat, 11 Jul 2026 10:16:37 UTC\nSHA256:\n " + "A".repeat(64) + " 1 main/x\n", "t"));
    assertTrue(e.getMessage().contains("malformed SHA256 line"), e.getMessage());
    e = assertThrows(DebianMetadataException.class, () -> Release.parse("Date: yesterday\n", "t"));
    assertTrue(e.getMessage().contains("unparsable Date"), e.getMessage());
  }
}
