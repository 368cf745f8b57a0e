package dev.sealbuild.formats.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How BuildKit cuts argument text into words and KEY=VALUE pairs, before expansion. */
class DockerfileWordsTest {
  private static Map.Entry<String, String> kv(String k, String v) {
    return new SimpleImmutableEntry<>(k, v);
  }

  static Stream<Arguments> pairs() {
    return Stream.of(
        // values stay raw (quotes kept): BuildKit expands and unquotes them when it runs the instruction
        Arguments.of("ENV", "a=1 b=\"x y\"", List.of(kv("a", "1"), kv("b", "\"x y\""))),
        Arguments.of("ENV", "a=x\\ y c='$HOME'", List.of(kv("a", "x\\ y"), kv("c", "'$HOME'"))),
        Arguments.of("ENV", "EMPTY= B=\"\"", List.of(kv("EMPTY", ""), kv("B", "\"\""))),
        // the legacy form: the first word has no '=': KEY and the rest of the text, as written
        Arguments.of("ENV", "A hello world", List.of(kv("A", "hello world"))),
        Arguments.of("ENV", "A   two  spaces ", List.of(kv("A", "two  spaces"))),
        Arguments.of("ENV", "PATH /x:$PATH", List.of(kv("PATH", "/x:$PATH"))),
        Arguments.of("LABEL", "\"com.example.vendor\"=\"ACME Inc\" version=1.0",
            List.of(kv("\"com.example.vendor\"", "\"ACME Inc\""), kv("version", "1.0"))),
        Arguments.of("LABEL", "description=\"a \\\"quoted\\\" word\"",
            List.of(kv("description", "\"a \\\"quoted\\\" word\""))),
        Arguments.of("LABEL", "legacy some value", List.of(kv("legacy", "some value"))),
        Arguments.of("ARG", "NAME", List.of(kv("NAME", null))),
        Arguments.of("ARG", "V=1 NAME W=", List.of(kv("V", "1"), kv("NAME", null), kv("W", ""))),
        Arguments.of("ARG", "MSG=\"a b\"", List.of(kv("MSG", "\"a b\""))));
  }

  @ParameterizedTest
  @MethodSource("pairs")
  void keyValuesAsBuildKitsParserSplitsThem(String keyword, String text, List<Map.Entry<String, String>> expected) {
    assertEquals(expected, DockerfileWords.keyValues(keyword, text, '\\', 4, "Dockerfile"));
  }

  @Test
  void rawValuesExpandToWhatTheImageGets() {
    VariableExpander x = new VariableExpander(Map.of("HOME", "/root"), '\\', "Dockerfile");
    List<String> values = new ArrayList<>();
    for (Map.Entry<String, String> e : DockerfileWords.keyValues("ENV", "a=x\\ y b=\"$HOME\" c='$HOME'", '\\', 1,
        "Dockerfile")) {
      values.add(x.expand(e.getKey(), 1) + "=" + x.expand(e.getValue(), 1));
    }
    assertEquals(List.of("a=x y", "b=/root", "c=$HOME"), values);
  }

  @Test
  void badPairsAreErrorsWithTheLine() {
    DockerfileException e = assertThrows(DockerfileException.class,
        () -> DockerfileWords.keyValues("ENV", "a=1 b", '\\', 9, "Dockerfile"));
    assertEquals("Dockerfile:9: Syntax error - can't find = in \"b\". Must be of the form: name=value",
        e.getMessage());
    assertThrows(DockerfileException.class, () -> DockerfileWords.keyValues("ENV", "A", '\\', 9, "Dockerfile"));
    assertThrows(DockerfileException.class, () -> DockerfileWords.keyValues("ENV", "=x", '\\', 9, "Dockerfile"));
    assertThrows(DockerfileException.class, () -> DockerfileWords.keyValues("ARG", "", '\\', 9, "Dockerfile"));
  }

  @Test
  void theBacktickEscapeProtectsABlankInAWord() {
    assertEquals(List.of(kv("a", "x` y")), DockerfileWords.keyValues("ENV", "a=x` y", '`', 1, "Dockerfile"));
    assertEquals(List.of(kv("a", "x\\"), kv("y", "1")),
        DockerfileWords.keyValues("ENV", "a=x\\ y=1", '`', 1, "Dockerfile"));
  }

  @Test
  void splitIsBlankSeparatedThenUnquotedWithoutExpansion() {
    assertEquals(List.of("a", "b", "c", "$HOME", "${X:-y}"),
        DockerfileWords.split("a 'b'  \"c\" $HOME ${X:-y}", '\\'));
    // the blank split comes first and ignores escapes, so an escaped blank still splits (a trailing escape drops)
    assertEquals(List.of("a", "b", "dest/"), DockerfileWords.split("a\\ b dest/", '\\'));
    assertEquals(List.of("c:\\dir", "a", "b"), DockerfileWords.split("c:\\dir a` b", '`'));
    // BuildKit splits COPY/ADD arguments on blanks before it looks at quotes: a quoted blank is an unmatched quote
    DockerfileException e = assertThrows(DockerfileException.class,
        () -> DockerfileWords.split("\"a b\" /dst", '\\', 5, "Dockerfile"));
    assertEquals("Dockerfile:5: failed to process \"\"a\": unexpected end of statement while looking for matching "
        + "double-quote", e.getMessage());
    assertEquals(List.of("\"a", "b\"", "/dst"), DockerfileWords.rawWords(" \"a b\"\t/dst "));
  }
}
