package dev.sealbuild.formats.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** BuildKit's shell lexer (ProcessWord / ProcessWords): every operator, quotes and the escape character. */
class VariableExpanderTest {
  private static final Map<String, String> ENV = Map.of("PWD", "/home", "EMPTY", "", "V", "value", "SP", "a b",
      "F", "a.b.c", "P", "/usr/local/lib");
  private final VariableExpander expander = new VariableExpander(ENV, '\\', "Dockerfile");

  static Stream<Arguments> words() {
    return Stream.of(
        Arguments.of("$PWD", "/home"),
        Arguments.of("${PWD}", "/home"),
        Arguments.of("$PWD/x", "/home/x"),
        Arguments.of("${PWD}x", "/homex"),
        Arguments.of("$PWDx", ""), // the name runs on: PWDx is unset
        Arguments.of("$UNSET", ""),
        Arguments.of("${UNSET}", ""),
        Arguments.of("$", "$"),
        Arguments.of("a$", "a$"),
        Arguments.of("$1x", "x"), // a digit name ends at the first non-digit
        Arguments.of("$-x", "x"), // a special parameter is one character
        // the escape character makes the next character literal
        Arguments.of("\\$PWD", "$PWD"),
        Arguments.of("\\\\$PWD", "\\/home"),
        Arguments.of("a\\ b", "a b"),
        Arguments.of("a\\", "a"), // an escape at the end is dropped
        // quotes: nothing expands in single quotes; double quotes expand and keep \ literal unless before " $ \
        Arguments.of("'$PWD'", "$PWD"),
        Arguments.of("\"$PWD\"", "/home"),
        Arguments.of("\"\\$PWD\"", "$PWD"),
        Arguments.of("\"a\\b\"", "a\\b"),
        Arguments.of("\"a\\\"b\"", "a\"b"),
        Arguments.of("'a\\'", "a\\"),
        Arguments.of("\"it's\"", "it's"),
        Arguments.of("x\"$SP\"y", "xa by"),
        // ${VAR:-word} and ${VAR-word}: ':' also treats empty as unset
        Arguments.of("${UNSET:-def}", "def"),
        Arguments.of("${EMPTY:-def}", "def"),
        Arguments.of("${V:-def}", "value"),
        Arguments.of("${UNSET-def}", "def"),
        Arguments.of("${EMPTY-def}", ""),
        Arguments.of("${UNSET:-${PWD}/x}", "/home/x"),
        Arguments.of("${UNSET:-'$PWD'}", "$PWD"),
        Arguments.of("${UNSET:-a b}", "a b"),
        // ${VAR:+word} and ${VAR+word}
        Arguments.of("${V:+alt}", "alt"),
        Arguments.of("${EMPTY:+alt}", ""),
        Arguments.of("${EMPTY+alt}", "alt"),
        Arguments.of("${UNSET+alt}", ""),
        Arguments.of("${UNSET:+alt}", ""),
        // ${VAR:?msg} and ${VAR?msg} when set
        Arguments.of("${V:?need V}", "value"),
        Arguments.of("${EMPTY?need}", ""),
        // prefix and suffix removal, shortest and longest (BuildKit 1.7+)
        Arguments.of("${F#*.}", "b.c"),
        Arguments.of("${F##*.}", "c"),
        Arguments.of("${F%.*}", "a.b"),
        Arguments.of("${F%%.*}", "a"),
        Arguments.of("${P#/usr/}", "local/lib"),
        Arguments.of("${P%/lib}", "/usr/local"),
        Arguments.of("${V#x}", "value"),
        Arguments.of("${UNSET#x}", ""),
        // replacement, first or all
        Arguments.of("${V/a/A}", "vAlue"),
        Arguments.of("${F/./-}", "a-b.c"),
        Arguments.of("${F//./-}", "a-b-c"),
        Arguments.of("${P/\\/usr/opt}", "opt/local/lib"));
  }

  @ParameterizedTest
  @MethodSource("words")
  void expandsAsBuildKitDoes(String word, String expected) {
    assertEquals(expected, expander.expand(word, 7));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("${UNSET:?must be set}", "UNSET: must be set"),
        Arguments.of("${UNSET?}", "UNSET: is not allowed to be unset"),
        Arguments.of("${EMPTY:?}", "EMPTY: is not allowed to be empty"),
        Arguments.of("${}", "syntax error: bad substitution"),
        Arguments.of("${:-x}", "syntax error: bad substitution"),
        Arguments.of("${{V}}", "syntax error: bad substitution"),
        Arguments.of("${", "syntax error: missing '}'"),
        Arguments.of("${PWD", "syntax error: missing '}'"),
        Arguments.of("${PWD:-x", "syntax error: missing '}'"),
        Arguments.of("${PWD:=x}", "unsupported modifier (:=) in substitution"),
        Arguments.of("${PWD:#x}", "unsupported modifier (:#) in substitution"),
        Arguments.of("${PWD^}", "unsupported modifier (^) in substitution"),
        Arguments.of("'abc", "unexpected end of statement while looking for matching single-quote"),
        Arguments.of("\"abc", "unexpected end of statement while looking for matching double-quote"),
        Arguments.of("${V/a", "syntax error: missing '/' in ${}"));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void badSubstitutionsAreErrorsWithTheLine(String word, String reason) {
    DockerfileException e = assertThrows(DockerfileException.class, () -> expander.expand(word, 7));
    assertEquals("Dockerfile:7: failed to process \"" + word + "\": " + reason, e.getMessage());
    assertEquals(7, e.line());
  }

  @Test
  void theBacktickEscapeLeavesBackslashesAlone() {
    VariableExpander windows = new VariableExpander(ENV, '`', "Dockerfile");
    assertEquals("$PWD", windows.expand("`$PWD", 1));
    assertEquals("c:\\/home", windows.expand("c:\\$PWD", 1));
    assertEquals("a\"b", windows.expand("\"a`\"b\"", 1));
  }

  @Test
  void expandWordsSplitsAfterExpandingButNotInsideQuotes() {
    assertEquals(List.of("a", "b", "c"), expander.expandWords("$SP c", 1));
    assertEquals(List.of("a b", "c"), expander.expandWords("\"$SP\" c", 1));
    assertEquals(List.of("a b", "c"), expander.expandWords("'a b'   c ", 1));
    assertEquals(List.of("8080/tcp", "a b"), expander.expandWords("8080/tcp a\\ b", 1));
    assertEquals(List.of(), expander.expandWords("  $EMPTY ", 1));
    // expand() keeps a value with blanks as one word, as BuildKit does for COPY sources
    assertEquals("a b", expander.expand("$SP", 1));
    assertEquals(List.of("a b", "/home/"), expander.expandEach(List.of("$SP", "$PWD/"), 1));
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() {
    String deep = "${A:-".repeat(5_000) + "x" + "}".repeat(5_000);
    DockerfileException e = assertThrows(DockerfileException.class, () -> expander.expand(deep, 3));
    assertEquals(3, e.line());
    String ok = "${A:-".repeat(20) + "x" + "}".repeat(20);
    assertEquals("x", expander.expand(ok, 3));
  }
}
