package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApkDependencyTest {
  @Test
  void parsesAtomsLikeApk() {
    ApkDependency plain = ApkDependency.parse("so:libc.musl-x86_64.so.1");
    assertEquals("so:libc.musl-x86_64.so.1", plain.name());
    assertEquals(ApkVersionOp.ANY, plain.op());
    assertNull(plain.version());
    assertFalse(plain.conflict());

    ApkDependency ranged = ApkDependency.parse("busybox>=1.35.0-r17");
    assertEquals(ApkVersionOp.GREATER_OR_EQUAL, ranged.op());
    assertEquals("1.35.0-r17", ranged.version());

    ApkDependency conflict = ApkDependency.parse("!dropbear-scp");
    assertTrue(conflict.conflict());
    assertEquals("!dropbear-scp", conflict.toString());

    assertEquals(ApkVersionOp.LESS_OR_EQUAL, ApkDependency.parse("a=<2").op(), "operator characters in any order");
    assertEquals(ApkVersionOp.FUZZY, ApkDependency.parse("a~1.2").op());
    assertEquals(ApkVersionOp.GREATER_OR_FUZZY, ApkDependency.parse("a>~1.2").op());
    assertEquals(ApkVersionOp.CHECKSUM, ApkDependency.parse("a><Q18y9jy9MgtvQFXTntDQ3if2axAkk=").op());
    assertEquals(List.of("a", "b>1", "!c"), ApkDependency.parseList(" a  b>1\t!c ").stream()
        .map(ApkDependency::toString).toList());
  }

  @Test
  void readsRepositoryTagsAsApkWritesThem() {
    ApkDependency d = ApkDependency.parse("curl@edge>=8.5");
    assertEquals("curl", d.name());
    assertEquals("edge", d.tag());
    assertEquals(ApkVersionOp.GREATER_OR_EQUAL, d.op());
    assertEquals("curl@edge>=8.5", d.toString());
    assertEquals(null, ApkDependency.parse("curl").tag());
  }

  @Test
  void rejectsMalformedAtomsWithOneLineMessages() {
    assertEquals("invalid version in dependency 'a>=1_foo'",
        assertThrows(ApkException.class, () -> ApkDependency.parse("a>=1_foo")).getMessage());
    assertEquals("missing package name in dependency '>=1'",
        assertThrows(ApkException.class, () -> ApkDependency.parse(">=1")).getMessage());
    assertEquals("invalid repository tag in dependency 'curl@'",
        assertThrows(ApkException.class, () -> ApkDependency.parse("curl@")).getMessage());
    assertEquals("unsupported version operator '<>=': use one of < <= = >= > ~ <~ >~ ><",
        assertThrows(ApkException.class, () -> ApkDependency.parse("a<>=1")).getMessage());
  }

  @Test
  void matchesVersionsAndConflicts() {
    assertTrue(ApkDependency.parse("a>=1.2").isProvidedBy("1.10", "Q1x"));
    assertFalse(ApkDependency.parse("a>=1.2").isProvidedBy("1.1", "Q1x"));
    assertTrue(ApkDependency.parse("a<2").isProvidedBy("2_rc1", "Q1x"));
    assertTrue(ApkDependency.parse("a=1.0-r0").isProvidedBy("1.0-r0", "Q1x"));
    assertFalse(ApkDependency.parse("a=1.0").isProvidedBy("1.0-r0", "Q1x"));
    assertTrue(ApkDependency.parse("a~1.2").isProvidedBy("1.2.9-r3", "Q1x"), "fuzzy: prefix by components");
    assertFalse(ApkDependency.parse("a~1.2").isProvidedBy("1.20", "Q1x"));
    assertTrue(ApkDependency.parse("a>~1.2").isProvidedBy("1.3", "Q1x"));
    assertFalse(ApkDependency.parse("a<~1.2").isProvidedBy("1.3", "Q1x"));
    // an unversioned ("virtual") provide satisfies only unversioned dependencies
    assertTrue(ApkDependency.parse("a").isProvidedBy(null, "Q1x"));
    assertFalse(ApkDependency.parse("a>=1").isProvidedBy(null, "Q1x"));
    // conflicts are satisfied by the absence of the name or by versions outside their range
    assertTrue(ApkDependency.parse("!a").isSatisfiedByNothing());
    assertFalse(ApkDependency.parse("!a").isProvidedBy("1", "Q1x"));
    assertTrue(ApkDependency.parse("!a<2").isProvidedBy("3", "Q1x"));
    assertFalse(ApkDependency.parse("!a<2").isProvidedBy("1", "Q1x"));
    assertFalse(ApkDependency.parse("a").isSatisfiedByNothing());
    // checksum pins
    String q1 = "Q18y9jy9MgtvQFXTntDQ3if2axAkk=";
    assertTrue(ApkDependency.parse("strace><" + q1).isProvidedBy("5.17-r0", q1));
    assertFalse(ApkDependency.parse("strace><" + q1).isProvidedBy("5.17-r0", "Q1E5qo2F/XDJrpWnEvNBl6umt58uU="));
  }

  @Test
  void matchesPackagesThroughTheirProvides() throws Exception {
    ApkPackage curl = AlpineFixtures.index316().index().find("curl").get(0);
    assertTrue(ApkDependency.parse("cmd:curl").isSatisfiedBy(curl));
    assertTrue(ApkDependency.parse("cmd:curl>=7").isSatisfiedBy(curl));
    assertFalse(ApkDependency.parse("cmd:curl>=8").isSatisfiedBy(curl));
    assertTrue(ApkDependency.parse("curl=7.83.1-r4").isSatisfiedBy(curl));
    assertTrue(ApkDependency.parse("!wget").isSatisfiedBy(curl), "a conflict on an unrelated name");
    assertFalse(ApkDependency.parse("!curl").isSatisfiedBy(curl));
  }
}
