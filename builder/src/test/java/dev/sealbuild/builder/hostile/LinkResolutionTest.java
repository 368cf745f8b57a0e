package dev.sealbuild.builder.hostile;

import static dev.sealbuild.builder.hostile.Fixture.EXTRACT;
import static dev.sealbuild.builder.hostile.Fixture.ROOTFS;
import static dev.sealbuild.builder.hostile.Fixture.assertSymlink;
import static dev.sealbuild.builder.hostile.Fixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.Node;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checklist items 3-8, 10-16 and 34: links are resolved inside the image like a chroot, never followed for
 * the last component, and a later entry replaces a link rather than writing through it.
 */
class LinkResolutionTest {
  @TempDir
  Path work;

  @Test
  void item3AbsoluteSymlinkIsFollowedInsideTheImage() throws Exception {
    byte[] tar = new TarOut().symlink("lnk", "/etc").file("lnk/cron.d/x", "job").bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      assertEquals("job", f.content("etc/cron.d/x"));
      assertSymlink(f.node("lnk"), "/etc");
      assertEquals(List.of("etc/", "etc/cron.d/", "etc/cron.d/x", "lnk"), List.copyOf(f.layerEntries().keySet()));
      f.assertHostUntouched();
    }
  }

  @Test
  void item3InAnExtractTheLinkMayNotLeadOutOfTheDestination() throws Exception {
    byte[] tar = new TarOut().symlink("lnk", "/etc").file("lnk/cron.d/x", "job").bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.extract("opt/app", tar), EXTRACT, "'lnk/cron.d/x'", "outside the destination /opt/app");
      assertNull(f.node("etc/cron.d/x"));
      assertNull(f.node("etc"));
    }
  }

  @Test
  void item4DotDotInALinkTargetStopsAtTheRoot() throws Exception {
    byte[] tar = new TarOut().dir("a/b").symlink("a/b/lnk", "../../../..").file("a/b/lnk/x", "top").bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      assertEquals("top", f.content("x"));
      assertEquals(EntryPath.ROOT, f.tree.resolveFully(EntryPath.parse("a/b/lnk")));
      assertTrue(f.layerEntries().containsKey("x"));
    }
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.extract("opt/app", tar), EXTRACT, "'a/b/lnk/x'", "outside the destination");
      assertNull(f.node("x"));
    }
  }

  @Test
  void item5LinkFromALowerLayerIsResolvedInsideTheImage() throws Exception {
    try (Fixture f = new Fixture(work)) {
      f.rootfs(new TarOut().symlink("x", "../../../home/v/.ssh").bytes());
      f.nextLayer();
      f.rootfs(new TarOut().file("x/authorized_keys", "ssh-ed25519 AAAA").bytes());
      assertEquals("ssh-ed25519 AAAA", f.content("home/v/.ssh/authorized_keys"));
      assertSymlink(f.node("x"), "../../../home/v/.ssh");
      assertEquals(List.of("home/", "home/v/", "home/v/.ssh/", "home/v/.ssh/authorized_keys"),
          List.copyOf(f.layerEntries().keySet()));
      f.assertHostUntouched();
    }
  }

  @Test
  void item6HardlinksLeavingTheImageAreRefused() throws Exception {
    for (String target : List.of("../../etc/shadow", "/etc/shadow", "a/../../etc/shadow")) {
      byte[] tar = new RawTar().dir("etc").file("etc/shadow", "root:*:").hardlink("h", target).end().bytes();
      try (Fixture f = new Fixture(work)) {
        refused(() -> f.rootfs(tar), ROOTFS, "'h'", target);
        assertNull(f.node("h"));
      }
    }
  }

  @Test
  void item6HardlinkWithPayloadIsRefused() throws Exception {
    byte[] tar = new RawTar().dir("etc").file("etc/shadow", "root:*:")
        .add(RawTar.header("h", '1').link("etc/shadow").size(5)).data("pwned".getBytes()).end().bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "'h'", "payload");
      assertEquals("root:*:", f.content("etc/shadow"));
    }
  }

  @Test
  void item7HardlinkToASymlinkIsRefused() throws Exception {
    byte[] tar = new TarOut().symlink("out", "/etc/shadow").hardlink("h", "out").bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "'h'", "not a regular file");
      assertNull(f.node("h"));
    }
    byte[] viaDir = new TarOut().symlink("d", "/etc").file("etc/shadow", "s").hardlink("h", "d/shadow").bytes();
    try (Fixture f = new Fixture(work)) {
      // Through a linked directory the target is still the image's own /etc/shadow.
      f.rootfs(viaDir);
      Node.RegularFile h = (Node.RegularFile) f.node("h");
      assertEquals("s", f.content("h"));
      assertTrue(h.content() == ((Node.RegularFile) f.node("etc/shadow")).content(), "h shares the content of etc/shadow");
    }
  }

  @Test
  void item6InAnExtractAHardlinkMayNotReachOutThroughALink() throws Exception {
    try (Fixture f = new Fixture(work)) {
      f.rootfs(new TarOut().file("etc/shadow", "root:*:").bytes());
      byte[] tar = new TarOut().symlink("lnk", "/etc").hardlink("h", "lnk/shadow").bytes();
      refused(() -> f.extract("opt/app", tar), EXTRACT, "'h'", "outside the destination");
      assertNull(f.node("opt/app/h"));
    }
  }

  @Test
  void item8ReplacingADirectoryByALinkDoesNotRedirectLaterHardlinks() throws Exception {
    byte[] tar = new TarOut()
        .dir("door").file("door/e", "inside")
        .hardlink("h1", "door/e")
        .symlink("door", "../out")
        .hardlink("h2", "door/e")
        .bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "'h2'", "does not exist in the image");
      assertEquals("inside", f.content("h1"));
      assertSymlink(f.node("door"), "../out");
      assertNull(f.node("door/e"), "the replaced directory's children are gone");
    }
    byte[] withOut = new TarOut()
        .dir("door").file("door/e", "inside").file("out/e", "other")
        .symlink("door", "../out")
        .hardlink("h2", "door/e")
        .bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(withOut);
      assertEquals("other", f.content("h2"), "door/e now means the image's /out/e");
      assertTrue(f.imagePaths().stream().allMatch(p -> !p.startsWith("..")));
    }
  }

  @Test
  void item10DirectoryEntryAfterALinkChangesNothingThroughIt() throws Exception {
    byte[] tar = new TarOut()
        .dir("etc", 0755)
        .dir("d", 0777)
        .symlink("d", "/etc")
        .entry(withOwner(TarOut.entry("d/", (byte) '5', 040777), 4242), null)
        .bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      assertEquals(0755, f.node("etc").meta().mode());
      assertEquals(0, f.node("etc").meta().uid());
      assertSymlink(f.node("d"), "/etc");
      TarArchiveEntry etc = f.layerEntries().get("etc/");
      assertEquals(040755, etc.getMode());
    }
  }

  @Test
  void item11LinkModeAndOwnerAreNotAppliedToItsTarget() throws Exception {
    byte[] tar = new TarOut()
        .file("etc/shadow", "root:*:", 0640)
        .entry(withOwner(linkEntry("l", "/etc/shadow"), 0), null)
        .bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      assertEquals(0640, f.node("etc/shadow").meta().mode());
      Map<String, TarArchiveEntry> layer = f.layerEntries();
      assertEquals(0100640, layer.get("etc/shadow").getMode());
      assertTrue(layer.get("l").isSymbolicLink());
    }
  }

  @Test
  void item12UpperFileReplacesADanglingLowerLink() throws Exception {
    try (Fixture f = new Fixture(work)) {
      f.rootfs(new TarOut().symlink("f", "/tmp/pwn").bytes());
      f.nextLayer();
      f.rootfs(new TarOut().file("f", "new content").bytes());
      assertEquals("new content", f.content("f"));
      assertNull(f.node("tmp/pwn"));
      assertNull(f.node("tmp"));
      Map<String, TarArchiveEntry> layer = f.layerEntries();
      assertEquals(List.of("f"), List.copyOf(layer.keySet()));
      assertTrue(layer.get("f").isFile());
    }
  }

  @Test
  void item13CaseAndUnicodeFormsAreDistinctNames() throws Exception {
    String nfc = Normalizer.normalize("caf\u00e9", Normalizer.Form.NFC);
    String nfd = Normalizer.normalize("caf\u00e9", Normalizer.Form.NFD);
    byte[] tar = new TarOut()
        .dir("FOO/").symlink("foo", "/tmp").file("FOO/x", "upper")
        .dir(nfc + "/").symlink(nfd, "/tmp").file(nfc + "/x", "nfc")
        .bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      assertEquals("upper", f.content("FOO/x"));
      assertEquals("nfc", f.content(nfc + "/x"));
      assertNull(f.node("tmp/x"));
      assertNull(f.node("tmp"));
      assertTrue(f.layerEntries().containsKey(nfc + "/x"));
    }
  }

  @Test
  void item14LinkLoopsEndWithACleanError() throws Exception {
    byte[] loop = new TarOut().symlink("a", "b").symlink("b", "a").file("a/x", "never").bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(loop), ROOTFS, "'a/x'", "too many levels of symbolic links");
    }
    byte[] self = new TarOut().symlink("dash", "dash").file("dash/x", "never").bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(self), ROOTFS, "'dash/x'", "too many levels of symbolic links");
    }
    // 40 hops are fine, as on Linux; 41 are not.
    TarOut chain = new TarOut().dir("d");
    for (int i = 0; i < 40; i++) {
      chain.symlink("l" + i, i == 39 ? "d" : "l" + (i + 1));
    }
    try (Fixture f = new Fixture(work)) {
      f.rootfs(chain.file("l0/x", "40 hops").bytes());
      assertEquals("40 hops", f.content("d/x"));
    }
    TarOut longer = new TarOut().dir("d");
    for (int i = 0; i < 41; i++) {
      longer.symlink("l" + i, i == 40 ? "d" : "l" + (i + 1));
    }
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(longer.file("l0/x", "41 hops").bytes()), ROOTFS, "'l0/x'", "too many levels");
    }
  }

  @Test
  void item15OverDeepRelativeTargetIsKeptAndStopsAtTheRoot() throws Exception {
    String target = "../../../../../../../../etc/pki/java/cacerts";
    byte[] tar = new TarOut()
        .file("etc/pki/java/cacerts", "certs")
        .symlink("usr/lib/jvm/java-17/lib/security/cacerts", target)
        .bytes();
    try (Fixture f = new Fixture(work)) {
      f.rootfs(tar);
      EntryPath link = EntryPath.parse("usr/lib/jvm/java-17/lib/security/cacerts");
      assertEquals(EntryPath.parse("etc/pki/java/cacerts"), f.tree.resolveFully(link));
      assertEquals(target, f.layerEntries().get(link.value()).getLinkName(), "the target is written unchanged");
    }
  }

  @Test
  void item16MergedUsrPackagePathsLandUnderUsr() throws Exception {
    try (Fixture f = new Fixture(work)) {
      f.rootfs(new TarOut().dir("usr/bin").symlink("bin", "usr/bin").dir("usr/lib").symlink("lib", "usr/lib").bytes());
      f.nextLayer();
      f.rootfs(new TarOut().dir("./bin/").file("./bin/sh", "#!dash").dir("./lib/").file("./lib/libc.so.6", "elf").bytes());
      assertEquals("#!dash", f.content("usr/bin/sh"));
      assertEquals("elf", f.content("usr/lib/libc.so.6"));
      assertSymlink(f.node("bin"), "usr/bin");
      assertSymlink(f.node("lib"), "usr/lib");
      Map<String, TarArchiveEntry> layer = f.layerEntries();
      assertEquals(List.of("usr/", "usr/bin/", "usr/bin/sh", "usr/lib/", "usr/lib/libc.so.6"), List.copyOf(layer.keySet()));
    }
  }

  @Test
  void item34DuplicatesLastOneWins() throws Exception {
    byte[] tar = new TarOut()
        .file("a", "first file")
        .dir("a").file("a/c", "child")
        .file("a", "second file")
        .dir("d").file("d/x", "in dir")
        .symlink("d", "a")
        .bytes();
    for (int run = 0; run < 2; run++) {
      try (Fixture f = new Fixture(work)) {
        f.rootfs(tar);
        assertEquals("second file", f.content("a"));
        assertNull(f.node("a/c"));
        assertSymlink(f.node("d"), "a");
        assertNull(f.node("d/x"));
        assertEquals(List.of("a", "d"), List.copyOf(f.layerEntries().keySet()));
      }
    }
  }

  @Test
  void item34SelfHardlinkIsAnError() throws Exception {
    byte[] tar = new TarOut().file("h", "data").hardlink("h", "h").bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(tar), ROOTFS, "'h'", "points at itself");
      assertEquals("data", f.content("h"));
    }
    byte[] missing = new TarOut().hardlink("h", "h").bytes();
    try (Fixture f = new Fixture(work)) {
      refused(() -> f.rootfs(missing), ROOTFS, "'h'", "does not exist");
    }
  }

  @Test
  void symlinksStackingLongTargetsCannotGrowPathsWithoutBound() throws Exception {
    // Each target is within the limits on its own; entries reaching through several links would otherwise
    // land at paths of any length and depth (and make a parent chain as deep as the stack).
    String wide = (("n".repeat(250) + "/").repeat(15)).replaceAll("/$", "");
    String deep = "a/".repeat(200) + "a";
    for (String target : List.of(wide, deep)) {
      byte[] tar = new TarOut().symlink("s1", target).symlink("s1/s2", target).file("s1/s2/x", "too far").bytes();
      try (Fixture f = new Fixture(work)) {
        refused(() -> f.rootfs(tar), ROOTFS, "'s1/s2/x'", "through symbolic links leads deeper than");
        assertFalse(f.imagePaths().stream().anyMatch(p -> p.length() > EntryPath.MAX_PATH_BYTES
            || p.split("/").length > EntryPath.MAX_DEPTH), "no path beyond the limits is in the image");
      }
    }
  }

  private static TarArchiveEntry linkEntry(String name, String target) {
    TarArchiveEntry e = TarOut.entry(name, (byte) '2', 0120777);
    e.setLinkName(target);
    return e;
  }

  private static TarArchiveEntry withOwner(TarArchiveEntry e, long id) {
    e.setUserId(id);
    e.setGroupId(id);
    return e;
  }
}
