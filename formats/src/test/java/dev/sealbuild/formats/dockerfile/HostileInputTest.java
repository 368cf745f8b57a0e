package dev.sealbuild.formats.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Words, variables and .dockerignore patterns from an untrusted Dockerfile: only ever a {@link DockerfileException},
 * and patterns built to make a backtracking matcher explode still answer (they are matched position-parallel).
 */
class HostileInputTest {
  private static final String[] PIECES = {"$", "{", "}", ":", "-", "+", "?", "#", "%", "/", "//", "*", "**", "[", "]",
      "!", "^", "\\", "`", "'", "\"", " ", "\t", "=", "a", "A_1", "x", ".", "..", "\n", "\u00e9", "${A", "${B:-",
      "${C/", "[a-", "]]"};

  private static void fuzz(long seed, Consumer<String> target) {
    Random random = new Random(seed);
    for (int n = 0; n < 3_000; n++) {
      StringBuilder s = new StringBuilder();
      int len = random.nextInt(25);
      for (int k = 0; k < len; k++) {
        s.append(PIECES[random.nextInt(PIECES.length)]);
      }
      String input = s.toString();
      try {
        target.accept(input);
      } catch (DockerfileException e) {
        assertFalse(e.getMessage().isEmpty());
      } catch (RuntimeException | Error e) {
        fail("input '" + input + "' threw " + e);
      }
    }
  }

  @Test
  void randomWordsOnlyEverFailWithADockerfileException() {
    VariableExpander x = new VariableExpander(Map.of("A", "a.b.c", "B", "", "C", "x y"), '\\', "Dockerfile");
    fuzz(1, w -> x.expand(w, 1));
    fuzz(2, w -> x.expandWords(w, 1));
    fuzz(3, w -> DockerfileWords.split(w, '`', 1, "Dockerfile"));
    fuzz(4, w -> DockerfileWords.keyValues("ENV", w, '\\', 1, "Dockerfile"));
    fuzz(5, w -> DockerfileWords.keyValues("ARG", w, '`', 1, "Dockerfile"));
    fuzz(6, w -> DockerIgnore.parse(w).excluded("a/b.c/x y"));
  }

  @Test
  void patternOperatorsOnLongValuesStayLinear() {
    String as = "a".repeat(20_000);
    VariableExpander x = new VariableExpander(Map.of("X", as), '\\', "Dockerfile");
    String pattern = "*a".repeat(30) + "b";
    assertEquals(as, x.expand("${X##" + pattern + "}", 1));
    assertEquals(as, x.expand("${X%%" + pattern + "}", 1));
    assertEquals("", x.expand("${X##*a}", 1));
    assertEquals(as.substring(1), x.expand("${X#a}", 1));
    assertEquals(as, x.expand("${X/" + pattern + "/z}", 1));
  }

  @Test
  void manyDoubleStarsAgainstADeepPathStillAnswer() {
    DockerIgnore ignore = DockerIgnore.parse("**/".repeat(40) + "x\n" + "*a*a*a*a*a*a*a*a*a*a*a*a*b\n");
    assertFalse(ignore.excluded("d/".repeat(200) + "y"));
    assertTrue(ignore.excluded("d/".repeat(200) + "x"));
    assertFalse(ignore.excluded("a".repeat(4_000)));
  }
}
