package dev.sealbuild.prep.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.Requirements;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DebianVersionTest {

  /** Cases from dpkg's own test suite (lib/dpkg/t/t-version.c) and policy examples: a, b, sign of compare(a, b). */
  @ParameterizedTest
  @CsvSource({
      "0, 0, 0",
      "0:0, 0, 0",
      "1.0, 1.0-0, 0",
      "0:0-0, 0:0, 0",
      "1, 0, 1",
      "0, 1, -1",
      "1:0, 0, 1",
      "1:1, 0:2, 1",
      "1.0~rc1, 1.0, -1",
      "1.0~~, 1.0~, -1",
      "1.0~~a, 1.0~~, 1",
      "1.0~, 1.0, -1",
      "1.0, 1.0a, -1",
      "1.0a, 1.0+, -1",
      "1.0+, 1.0.1, -1",
      "1.0-1, 1.0-1~bpo1, 1",
      "2.36-9+deb12u14, 2.36-9+deb12u4, 1",
      "7.88.1-10+deb12u15, 7.88.1-10+deb12u5, 1",
      "1.001, 1.1, 0",
      "1.2.3, 1.2.10, -1",
      "a, b, -1",
      "1:1.2.13.dfsg-1, 1.2.13.dfsg-1, 1",
      "3.0.20-1~deb12u2, 3.0.20-1, -1",
      "10, 9, 1",
      "1.0-a, 1.0-+, -1",
      "2a, 21, -1",
  })
  void comparesLikeDpkg(String a, String b, int expected) {
    assertEquals(expected, Integer.signum(DebianVersion.parse(a).compareTo(DebianVersion.parse(b))), a + " vs " + b);
    assertEquals(-expected, Integer.signum(DebianVersion.parse(b).compareTo(DebianVersion.parse(a))), b + " vs " + a);
  }

  @Test
  void splitsEpochUpstreamAndRevision() {
    DebianVersion v = DebianVersion.parse("1:2.3-4-5");
    assertEquals(1, v.epoch());
    assertEquals("2.3-4", v.upstream());
    assertEquals("5", v.revision());
    DebianVersion plain = DebianVersion.parse("2.3");
    assertEquals(0, plain.epoch());
    assertEquals("2.3", plain.upstream());
    assertEquals("", plain.revision());
    assertEquals("0:2009.10.04-2+b1", DebianVersion.parse("0:2009.10.04-2+b1").toString(), "text kept as written");
  }

  @Test
  void equalityIsTextButOrderIsDpkg() {
    assertNotEquals(DebianVersion.parse("1.0"), DebianVersion.parse("1.00"));
    assertEquals(0, DebianVersion.parse("1.0").compareTo(DebianVersion.parse("1.00")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ":1", "a:1", "1:", "1.0-", "1.0 2", "1_0", "1.0-a_b", "-1"})
  void rejectsWhatDpkgRejects(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DebianVersion.parse(text));
    assertTrue(e.getMessage().contains("invalid Debian version"), e.getMessage());
  }

  /** Found by Deb822FuzzTest: a Version field continued on the next line put a line break into the message. */
  @Test
  void anInvalidVersionIsShownOnOneLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DebianVersion.parse("1:2.10\n/etc"));
    assertEquals("invalid Debian version '1:2.10\\x0a/etc': invalid character in the upstream version", e.getMessage());
  }

  /** Random versions covering ~, letters, digits, epochs and revisions, checked against the real dpkg. */
  @Test
  void agreesWithDpkgCompareVersionsOnRandomPairs() throws Exception {
    Requirements.require(Files.isExecutable(Path.of("/usr/bin/dpkg")), "dpkg is not installed");
    Random random = new Random(20260522);
    List<String[]> pairs = new ArrayList<>();
    for (int k = 0; k < 400; k++) {
      String a = randomVersion(random);
      // half the pairs share a prefix so the interesting late differences get exercised
      String b = random.nextBoolean() ? randomVersion(random) : mutate(a, random);
      if (k % 10 == 0 && !a.contains(":")) {
        b = "0:" + a; // equal for dpkg although the text differs
      }
      pairs.add(new String[] {a, b});
    }
    List<Integer> dpkg = dpkgCompare(pairs);
    assertTrue(dpkg.contains(-1) && dpkg.contains(0) && dpkg.contains(1), "the sample covers <, = and >");
    for (int k = 0; k < pairs.size(); k++) {
      String[] p = pairs.get(k);
      int ours = Integer.signum(DebianVersion.parse(p[0]).compareTo(DebianVersion.parse(p[1])));
      assertEquals(dpkg.get(k), ours, "dpkg --compare-versions " + p[0] + " vs " + p[1]);
    }
  }

  static String randomVersion(Random random) {
    StringBuilder s = new StringBuilder();
    if (random.nextInt(5) == 0) {
      s.append(random.nextInt(3)).append(':');
    }
    s.append(random.nextInt(20));
    s.append(randomPart(random, "0123456789.+~abcZ"));
    if (random.nextInt(3) > 0) {
      s.append('-').append(randomPart(random, "0123456789.+~bdeu")).append(random.nextInt(10));
    }
    return s.toString();
  }

  private static String randomPart(Random random, String alphabet) {
    StringBuilder s = new StringBuilder();
    int length = random.nextInt(8);
    for (int k = 0; k < length; k++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  private static String mutate(String version, Random random) {
    String[] tails = {"~", "~1", "a", "+b1", ".0", "0", "1", "~~", "+", "-1", ".1~rc1"};
    String tail = tails[random.nextInt(tails.length)];
    String candidate = version + tail;
    try {
      DebianVersion.parse(candidate);
      return candidate;
    } catch (IllegalArgumentException e) {
      return version;
    }
  }

  /** Sign of the comparison for each pair, from one shell loop around dpkg --compare-versions. */
  static List<Integer> dpkgCompare(List<String[]> pairs) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("sh", "-c",
        "while read a b; do if dpkg --compare-versions \"$a\" lt \"$b\"; then echo -1; "
            + "elif dpkg --compare-versions \"$a\" eq \"$b\"; then echo 0; else echo 1; fi; done")
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    Thread feeder = new Thread(() -> {
      try (Writer w = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
        for (String[] p : pairs) {
          w.write(p[0] + " " + p[1] + "\n");
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    feeder.start();
    List<Integer> results = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        results.add(Integer.parseInt(line.strip()));
      }
    }
    feeder.join();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "dpkg loop did not finish");
    assertEquals(pairs.size(), results.size(), "one dpkg answer per pair");
    return results;
  }
}
