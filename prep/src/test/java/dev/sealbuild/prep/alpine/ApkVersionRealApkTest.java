package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Compares {@link ApkVersion} with the real {@code apk version -t} and {@code apk version -c}
 * (apk-tools 2.14.4 in the Alpine 3.20.3 minirootfs) on version pairs from the real v3.16 index and on
 * hand-picked edge cases.
 */
class ApkVersionRealApkTest {
  private static final List<String> EDGE_CASES = List.of(
      "1.05", "1.5", "1.0", "1.00", "1.001", "1.01", "01", "1", "1.0_alpha", "1.0_beta2", "1.0_pre", "1.0_rc",
      "1.0_rc1", "1.0_cvs", "1.0_svn", "1.0_git", "1.0_hg", "1.0_p", "1.0_p1", "1.0-r0", "1.0-r1", "1.0a",
      "1.0b", "1.0a1", "1.0.1", "1.0_alpha_beta", "1.0_rc1_p2", "1.0-r1-r2", "2022.01.01", "2022.1.1", "1.",
      "1.0_pre1-r3", "1.0_p1-r3", "2147483648", "2147483647", "1.0.0.0.0", "0.0", "0", "1.a", "9.0_p1-r2",
      "2022.82-r1", "1.0_rc", "1.00_rc", "1.10_rc", "1.1", "1.10", "2", "0.9");

  private static final List<String> VALIDITY = List.of(
      "1", "1.0", "1.2.3_rc1-r0", "1.0a", "1.0a_p1", "1_rc", "1.0_alpha_beta2", "1.0-r1-r2", "1.", "01", "1.a",
      "a", "1.0_foo", "1a.2", "1_P", "1.0-1", "v1.0", "1.0-r", "1~ab", "1.0~abc-r1", "1..2", "1.0_", "1-r1_p",
      "1.0a.1", "1.0aa", "1_alphax");

  @Test
  void comparesLikeApkVersionTest() throws Exception {
    AlpineChroot chroot = AlpineChroot.alpine320();
    List<String[]> pairs = pairs();
    StringBuilder input = new StringBuilder();
    for (String[] pair : pairs) {
      input.append(pair[0]).append(' ').append(pair[1]).append('\n');
    }
    AlpineChroot.Run run = chroot.run(List.of("/bin/sh", "-c",
        "while read a b; do /sbin/apk version -t \"$a\" \"$b\"; done"), input.toString());
    assertEquals(0, run.exitCode(), run.stderr());
    String[] answers = run.stdout().split("\n");
    assertEquals(pairs.size(), answers.length);
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      int ours = ApkVersion.compare(pairs.get(i)[0], pairs.get(i)[1]);
      String symbol = ours < 0 ? "<" : ours > 0 ? ">" : "=";
      if (!symbol.equals(answers[i])) {
        mismatches.add(pairs.get(i)[0] + " " + answers[i] + " " + pairs.get(i)[1] + " (we say " + symbol + ")");
      }
    }
    assertEquals(List.of(), mismatches);
    assertTrue(pairs.size() >= 300, "compared " + pairs.size() + " pairs");
  }

  @Test
  void validatesLikeApkVersionCheck() throws Exception {
    AlpineChroot chroot = AlpineChroot.alpine320();
    List<String> command = new ArrayList<>(List.of("/sbin/apk", "version", "-c"));
    command.addAll(VALIDITY);
    AlpineChroot.Run run = chroot.run(command, null);
    Set<String> apkInvalid = new TreeSet<>(List.of(run.stdout().strip().split("\n")));
    Set<String> ourInvalid = new TreeSet<>();
    for (String v : VALIDITY) {
      if (!ApkVersion.isValid(v)) {
        ourInvalid.add(v);
      }
    }
    assertEquals(apkInvalid, ourInvalid);
    assertTrue(ourInvalid.size() > 5 && ourInvalid.size() < VALIDITY.size() - 5);
  }

  /** Neighbours in text order (similar versions) plus seeded random pairs from the index, plus edge cases. */
  private static List<String[]> pairs() throws Exception {
    Set<String> versions = new TreeSet<>();
    for (ApkPackage p : AlpineFixtures.index316().index().packages()) {
      versions.add(p.version());
      p.provides().stream().filter(d -> d.version() != null).forEach(d -> versions.add(d.version()));
    }
    List<String> list = new ArrayList<>(versions);
    Set<List<String>> pairs = new LinkedHashSet<>();
    for (int i = 0; i + 1 < list.size() && pairs.size() < 200; i += Math.max(1, list.size() / 200)) {
      pairs.add(List.of(list.get(i), list.get(i + 1)));
    }
    Random random = new Random(20240607);
    while (pairs.size() < 350) {
      pairs.add(List.of(list.get(random.nextInt(list.size())), list.get(random.nextInt(list.size()))));
    }
    for (String a : EDGE_CASES) {
      for (String b : EDGE_CASES) {
        if (random.nextInt(4) == 0) {
          pairs.add(List.of(a, b));
        }
      }
    }
    return pairs.stream().map(p -> p.toArray(new String[0])).toList();
  }
}
