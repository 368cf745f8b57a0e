package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ApkVersionTest {
  /** Each version is older than the next, by apk's rules. */
  static final List<String> ASCENDING = List.of(
      "0.9", "1", "1.0_alpha", "1.0_alpha1", "1.0_alpha2", "1.0_beta", "1.0_pre1", "1.0_rc1", "1.0_rc2",
      "1.0_rc10", "1.0", "1.0-r1", "1.0_p1", "1.0a", "1.0.1", "1.1", "1.10", "2");

  @Test
  void ordersNumbersNumericallyNotAsText() {
    assertTrue(ApkVersion.compare("1.10", "1.9") > 0);
    assertTrue(ApkVersion.compare("2", "10") < 0);
    assertTrue(ApkVersion.compare("1.2.10", "1.2.9") > 0);
    assertEquals(0, ApkVersion.compare("1.2.3", "1.2.3"));
  }

  @Test
  void preReleaseSuffixesSortBeforeTheReleaseAndPostReleaseAfter() {
    List<String> chain = List.of("1.0_alpha", "1.0_beta", "1.0_pre", "1.0_rc", "1.0", "1.0_cvs", "1.0_svn",
        "1.0_git", "1.0_hg", "1.0_p");
    for (int i = 0; i + 1 < chain.size(); i++) {
      assertTrue(ApkVersion.compare(chain.get(i), chain.get(i + 1)) < 0, chain.get(i) + " < " + chain.get(i + 1));
      assertTrue(ApkVersion.compare(chain.get(i + 1), chain.get(i)) > 0);
    }
    assertTrue(ApkVersion.compare("1.0_rc1", "1.0_rc2") < 0);
    assertTrue(ApkVersion.compare("1.0_p1", "1.0_p2") < 0);
    assertTrue(ApkVersion.compare("1.0_git20220219", "1.0_git20221010") < 0);
  }

  @Test
  void revisionsLettersAndLongerVersions() {
    assertTrue(ApkVersion.compare("1.0-r0", "1.0-r1") < 0);
    assertTrue(ApkVersion.compare("1.0-r9", "1.0-r10") < 0);
    assertTrue(ApkVersion.compare("1.0", "1.0-r1") < 0);
    assertTrue(ApkVersion.compare("1.0-r1", "1.0_p1") < 0);
    assertTrue(ApkVersion.compare("1.0_p1", "1.0a") < 0);
    assertTrue(ApkVersion.compare("1.0a", "1.0b") < 0);
    assertTrue(ApkVersion.compare("1.0a", "1.0.1") < 0);
    assertTrue(ApkVersion.compare("1.0", "1.0.1") < 0);
    assertTrue(ApkVersion.compare("1.0_rc1", "1.0") < 0);
    assertTrue(ApkVersion.compare("6.3_p20220521-r0", "6.3_p20220521-r1") < 0);
    assertTrue(ApkVersion.compare("11.2.1_git20220219-r2", "11.2.1-r2") > 0);
  }

  @Test
  void leadingZerosAfterADotCountAgainstTheComponent() {
    assertTrue(ApkVersion.compare("1.05", "1.5") < 0);
    assertTrue(ApkVersion.compare("1.05", "1.4") < 0);
    assertTrue(ApkVersion.compare("1.00", "1.0") < 0);
    assertTrue(ApkVersion.compare("1.001", "1.01") < 0);
    assertTrue(ApkVersion.compare("1.0_rc1", "1.0") < 0, "a zero component does not hide a pre-release suffix");
    assertEquals(0, ApkVersion.compare("01", "1"), "the first component ignores leading zeros");
    assertTrue(ApkVersion.compare("2022.01.01", "2022.1.1") < 0);
  }

  @Test
  void sortsLikeTheDocumentedChain() {
    List<ApkVersion> shuffled = new ArrayList<>(ASCENDING.stream().map(ApkVersion::parse).toList());
    Collections.shuffle(shuffled, new Random(7));
    Collections.sort(shuffled);
    assertEquals(ASCENDING, shuffled.stream().map(ApkVersion::text).toList());
  }

  @Test
  void validatesLikeApk() {
    for (String valid : List.of("1", "1.0", "1.2.3_rc1-r0", "1.0a", "1.0a_p1", "1_rc", "1.0_alpha_beta2",
        "2022.82-r1", "8.2.5000-r0", "1.0-r1-r2", "1.", "01", "a", "1.a", "v1.0", "1.0-r", "1..2")) {
      assertTrue(ApkVersion.isValid(valid), valid);
      assertEquals(valid, ApkVersion.parse(valid).text());
    }
    for (String invalid : List.of("", "1.0_foo", "1a.2", "1_P", "1.0-1", "1.0 ", "1~ab", "1.0aa", "1-r1_p")) {
      assertFalse(ApkVersion.isValid(invalid), invalid);
    }
    ApkException e = assertThrows(ApkException.class, () -> ApkVersion.parse("1.0\n_foo"));
    assertEquals("invalid apk version '1.0\\x0a_foo': expected digits{.digits}[letter]{_suffix[N]}[-rN], e.g. "
        + "1.2.3_rc1-r0", e.getMessage());
  }

  @Test
  void numbersBeyond32BitsStillCompareNumerically() {
    assertTrue(ApkVersion.compare("2147483648", "1") > 0);
    assertTrue(ApkVersion.compare("4294967297", "4294967296") > 0);
  }
}
