package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApkIndexTest {
  private static final String TWO_PACKAGES = """
      C:Q1tfxfcflV9q4snUZrS3I1Koo6Mic=
      P:mpdecimal
      V:2.5.1-r1
      A:x86_64
      S:77821
      I:212992
      T:complete implementation of the General Decimal Arithmetic Specification
      U:https://www.bytereef.org/mpdecimal/index.html
      L:BSD-2-Clause
      o:mpdecimal
      m:Stefan Stutz <stutz@pm.me>
      t:1651234567
      c:480a2dc4f712308d90f8b4e101941b73d9a0d61e
      k:10
      D:so:libc.musl-x86_64.so.1
      D:/bin/sh
      p:so:libmpdec.so.3=2.5.1 cmd:mpdec
      i:mpdecimal-base python3>=3.10
      r:old-mpdecimal
      q:5
      x:some future lower-case field

      C:Q18y9jy9MgtvQFXTntDQ3if2axAkk=
      P:strace
      V:5.17-r0
      """;

  @Test
  void parsesEveryFieldLetter() {
    ApkIndex index = ApkIndex.parse("v3.16.3", TWO_PACKAGES, "test APKINDEX");
    assertEquals(2, index.packages().size());
    ApkPackage p = index.packages().get(0);
    assertEquals("Q1tfxfcflV9q4snUZrS3I1Koo6Mic=", p.checksum());
    assertEquals("mpdecimal", p.name());
    assertEquals("2.5.1-r1", p.version());
    assertEquals("x86_64", p.arch());
    assertEquals(77821, p.size());
    assertEquals(212992, p.installedSize());
    assertEquals("complete implementation of the General Decimal Arithmetic Specification", p.description());
    assertEquals("https://www.bytereef.org/mpdecimal/index.html", p.url());
    assertEquals("BSD-2-Clause", p.license());
    assertEquals("mpdecimal", p.origin());
    assertEquals("Stefan Stutz <stutz@pm.me>", p.maintainer());
    assertEquals(1651234567L, p.buildTime());
    assertEquals("480a2dc4f712308d90f8b4e101941b73d9a0d61e", p.commit());
    assertEquals(10, p.providerPriority());
    assertEquals(List.of("so:libc.musl-x86_64.so.1", "/bin/sh"), names(p.depends()));
    assertEquals(List.of("so:libmpdec.so.3=2.5.1", "cmd:mpdec"), strings(p.provides()));
    assertEquals(List.of("mpdecimal-base", "python3>=3.10"), strings(p.installIf()));
    assertEquals(List.of("old-mpdecimal"), strings(p.replaces()));
    assertEquals(5, p.replacesPriority());
    assertTrue(p.installable());
    assertEquals("mpdecimal-2.5.1-r1.apk", p.fileName());

    ApkPackage minimal = index.packages().get(1);
    assertEquals("", minimal.arch());
    assertEquals(0, minimal.size());
    assertEquals(List.of(), minimal.depends());
  }

  @Test
  void marksPackagesWithUnknownUpperCaseFieldsUninstallable() {
    ApkIndex index = ApkIndex.parse("", "C:Q18y9jy9MgtvQFXTntDQ3if2axAkk=\nP:x\nV:1\nX:new\n", "idx");
    assertFalse(index.packages().get(0).installable());
  }

  @Test
  void rejectsBrokenRecordsNamingTheCulprit() {
    assertEquals("malformed line 2 in idx: 'garbage' (expected X:value)", assertThrows(ApkException.class,
        () -> ApkIndex.parse("", "P:x\ngarbage\n", "idx")).getMessage());
    assertEquals("package 'x' in idx has no C: (checksum)", assertThrows(ApkException.class,
        () -> ApkIndex.parse("", "P:x\nV:1\n", "idx")).getMessage());
    assertEquals("package 'x' in idx has a missing or invalid V: (version) '1.0_foo'", assertThrows(ApkException.class,
        () -> ApkIndex.parse("", "C:Q18y9jy9MgtvQFXTntDQ3if2axAkk=\nP:x\nV:1.0_foo\n", "idx")).getMessage());
    assertEquals("line 4 (S:) of package 'x' in idx: expected a number, got '12k'", assertThrows(ApkException.class,
        () -> ApkIndex.parse("", "C:Q18y9jy9MgtvQFXTntDQ3if2axAkk=\nP:x\nV:1\nS:12k\n", "idx")).getMessage());
    assertEquals("invalid checksum 'Q1abc' in package 'x' in idx: wrong length for Q1", assertThrows(ApkException.class,
        () -> ApkIndex.parse("", "C:Q1abc\nP:x\nV:1\n", "idx")).getMessage());
    assertEquals("line 4 (p:) of package 'x' in idx: provides entry 'y>=1' must be name or name=version",
        assertThrows(ApkException.class,
            () -> ApkIndex.parse("", "C:Q18y9jy9MgtvQFXTntDQ3if2axAkk=\nP:x\nV:1\np:y>=1\n", "idx")).getMessage());
  }

  @Test
  void parsesARealInstalledDatabaseAndItsWorld() throws Exception {
    String installed = Files.readString(AlpineFixtures.file("v3.20-x86_64-minirootfs-db/installed"));
    String world = Files.readString(AlpineFixtures.file("v3.20-x86_64-minirootfs-db/world"));
    ApkInstalledDb db = ApkInstalledDb.parse(installed, world);
    assertEquals(14, db.packages().size(), "one record per P: line");
    assertEquals(installed.lines().filter(l -> l.startsWith("P:")).map(l -> l.substring(2)).toList(),
        db.packages().stream().map(ApkPackage::name).toList());
    ApkPackage baselayout = db.packages().get(0);
    assertEquals("alpine-baselayout", baselayout.name());
    assertEquals(List.of("alpine-baselayout-data=3.6.5-r0", "/bin/sh"), strings(baselayout.depends()));
    assertEquals(world.strip().lines().toList(), names(db.world()));
    assertEquals(names(db.packages().stream().map(p -> ApkDependency.on(p.name())).toList()),
        names(ApkInstalledDb.parse(installed, null).world()), "without a world file every package is wanted");
  }

  @Test
  void parsesTheRealUnsignedIndexExcerpt() throws Exception {
    ApkIndex subset = ApkIndex.parse("", Files.readString(AlpineFixtures.file("v3.16-x86_64/APKINDEX.subset-unsigned.txt")),
        "APKINDEX.subset-unsigned.txt");
    assertEquals(List.of("curl", "gvim", "strace"), subset.packages().stream().map(ApkPackage::name).sorted().toList());
  }

  private static List<String> names(List<ApkDependency> deps) {
    return deps.stream().map(ApkDependency::name).toList();
  }

  private static List<String> strings(List<ApkDependency> deps) {
    return deps.stream().map(ApkDependency::toString).toList();
  }
}
