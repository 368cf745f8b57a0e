package dev.sealbuild.builder.apk;

import dev.sealbuild.formats.apk.PkgInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.testsupport.Fixtures;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stanza writer against the real database of the Alpine 3.20.3 minirootfs (written by apk-tools
 * 2.14.4): each real stanza is taken apart into what a package install gives the writer (.PKGINFO
 * fields, the index checksum and size, data entries with owners, modes and checksums) and must come out
 * byte for byte as apk wrote it.
 */
class InstalledDbTest {
  private static final String INSTALLED = "alpine/v3.20-x86_64-minirootfs-db/installed";
  private static final Map<String, String> PKGINFO_KEYS = Map.ofEntries(
      Map.entry("P", "pkgname"), Map.entry("V", "pkgver"), Map.entry("A", "arch"), Map.entry("I", "size"),
      Map.entry("T", "pkgdesc"), Map.entry("U", "url"), Map.entry("L", "license"), Map.entry("o", "origin"),
      Map.entry("m", "maintainer"), Map.entry("t", "builddate"), Map.entry("c", "commit"),
      Map.entry("k", "provider_priority"), Map.entry("q", "replaces_priority"));
  private static final Map<String, String> REPEATED_KEYS = Map.of("D", "depend", "p", "provides", "i", "install_if", "r", "replaces");

  @Test
  void everyRealStanzaIsWrittenAsApkWroteIt() throws Exception {
    String db = Files.readString(Fixtures.file(INSTALLED));
    List<String> stanzas = List.of(db.split("\n\n"));
    assertTrue(stanzas.size() >= 10, "the fixture database has the minirootfs's packages");
    StringBuilder rewritten = new StringBuilder();
    for (String stanza : stanzas) {
      rewritten.append(rewrite(stanza));
    }
    assertEquals(db, rewritten.toString());
  }

  @Test
  void databaseOrderAndNamesAreReadFromTheBase() throws Exception {
    String db = Files.readString(Fixtures.file(INSTALLED));
    List<String> names = InstalledDb.packageNames(db);
    assertEquals("alpine-baselayout", names.get(0));
    assertTrue(names.contains("busybox") && names.contains("apk-tools"), names.toString());
    assertEquals(names.size(), InstalledDb.checksums(db).size());
    assertTrue(InstalledDb.terminated(db.strip()).endsWith("\n\n"));
  }

  /** Takes a stanza apart and writes it again with {@link InstalledDb#stanza}. */
  private static String rewrite(String stanza) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    String checksum = null;
    long size = 0;
    List<ApkArchive.DbEntry> entries = new ArrayList<>();
    EntryPath dir = null;
    for (String line : stanza.split("\n")) {
      String field = line.substring(0, 1);
      String value = line.substring(2);
      switch (field) {
        case "C" -> checksum = value;
        case "S" -> size = Long.parseLong(value);
        case "F" -> {
          dir = EntryPath.parse(value);
          entries.add(new ApkArchive.DbEntry(dir, true, 0755, 0, 0, null));
        }
        case "M" -> entries.set(entries.size() - 1, withAcl(entries.get(entries.size() - 1), value));
        case "R" -> entries.add(new ApkArchive.DbEntry(dir.child(value), false, 0644, 0, 0, null));
        case "a" -> entries.set(entries.size() - 1, withAcl(entries.get(entries.size() - 1), value));
        case "Z" -> {
          ApkArchive.DbEntry e = entries.get(entries.size() - 1);
          entries.set(entries.size() - 1, new ApkArchive.DbEntry(e.path(), false, e.mode(), e.uid(), e.gid(), value));
        }
        default -> {
          if (REPEATED_KEYS.containsKey(field)) {
            fields.put(REPEATED_KEYS.get(field), List.of(value));
          } else if (PKGINFO_KEYS.containsKey(field)) {
            fields.put(PKGINFO_KEYS.get(field), List.of(value));
          } else {
            throw new AssertionError("field the writer does not know: " + line);
          }
        }
      }
    }
    return InstalledDb.stanza(new PkgInfo(fields), checksum, size, entries);
  }

  private static ApkArchive.DbEntry withAcl(ApkArchive.DbEntry e, String acl) {
    String[] parts = acl.split(":");
    return new ApkArchive.DbEntry(e.path(), e.directory(), Integer.parseInt(parts[2], 8), Long.parseLong(parts[0]),
        Long.parseLong(parts[1]), e.checksum());
  }
}
