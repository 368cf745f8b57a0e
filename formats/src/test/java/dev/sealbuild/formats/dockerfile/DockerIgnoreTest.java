package dev.sealbuild.formats.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** .dockerignore with moby patternmatcher's rules, as BuildKit filters the build context. */
class DockerIgnoreTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        // '*' stays in one directory level: a pattern without '/' only matches at the top
        Arguments.of("*.md", "README.md", true),
        Arguments.of("*.md", "docs/a.md", false),
        Arguments.of("*/*.md", "docs/a.md", true),
        // '**' matches any number of directories, none included
        Arguments.of("**/*.go", "main.go", true),
        Arguments.of("**/*.go", "cmd/app/main.go", true),
        Arguments.of("**/*.go", "main.golden", false),
        Arguments.of("docs/**", "docs/a/b.txt", true),
        Arguments.of("a/**/b", "a/b", true),
        Arguments.of("a/**/b", "a/x/y/b", true),
        Arguments.of("**", "anything/at/all", true),
        // a pattern matching a directory excludes everything under it
        Arguments.of("node_modules", "node_modules/x/index.js", true),
        Arguments.of("node_modules", "src/node_modules/x", false),
        Arguments.of("build", "builder/x", false),
        // cleaning: leading '/', trailing '/', '.', '..', blanks around
        Arguments.of("/build/", "build/out.bin", true),
        Arguments.of("  ./dist/../tmp  ", "tmp/x", true),
        Arguments.of("a//b", "a/b", true),
        // '?' and classes never match '/'
        Arguments.of("a?c", "abc", true),
        Arguments.of("a?c", "a/c", false),
        Arguments.of("[ab].txt", "b.txt", true),
        Arguments.of("[^ab].txt", "b.txt", false),
        Arguments.of("[!ab].txt", "c.txt", true),
        Arguments.of("[a-c]*", "cat", true),
        // '\' escapes a special character
        Arguments.of("\\*.txt", "*.txt", true),
        Arguments.of("\\*.txt", "a.txt", false),
        // regex characters are literal
        Arguments.of("a+b(c).txt", "a+b(c).txt", true),
        Arguments.of("a.txt", "abtxt", false),
        // '#' is a comment only as the very first character of the line
        Arguments.of("# *.md", "README.md", false),
        Arguments.of(" #x", "#x", true));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void patternsMatchAsPatternMatcherDoes(String pattern, String path, boolean excluded) {
    assertEquals(excluded, DockerIgnore.parse(pattern + "\n").excluded(path), pattern + " vs " + path);
  }

  @Test
  void theLastMatchingLineWinsAndExceptionsReinclude() {
    DockerIgnore ignore = DockerIgnore.parse("# keep only sources\n*\n!src\nsrc/secret\n!src/secret/public.txt\n\n");
    assertTrue(ignore.excluded("Dockerfile.bak"));
    assertFalse(ignore.excluded("src"));
    assertFalse(ignore.excluded("src/main.c"));
    assertTrue(ignore.excluded("src/secret/key.pem"));
    assertFalse(ignore.excluded("src/secret/public.txt"));
    assertEquals(List.of("*", "!src", "src/secret", "!src/secret/public.txt"), ignore.patterns());
  }

  @Test
  void anExceptionCannotReincludeUnderAnExcludedParentUnlessItMatchesThePath() {
    // patternmatcher checks parents for every pattern: "!docs/keep.md" matches the path itself, so it re-includes
    DockerIgnore ignore = DockerIgnore.parse("docs\n!docs/keep.md\n");
    assertTrue(ignore.excluded("docs/other.md"));
    assertFalse(ignore.excluded("docs/keep.md"));
  }

  @Test
  void noneExcludesNothingAndBadPatternsAreErrorsWithTheLine() {
    assertFalse(DockerIgnore.none().excluded("a"));
    assertEquals(List.of(), DockerIgnore.none().patterns());
    assertEquals(List.of("a", "!b"), DockerIgnore.parse("\uFEFFa\r\n! b\r\n").patterns());
    DockerfileException e = assertThrows(DockerfileException.class, () -> DockerIgnore.parse("a\n!\n"));
    assertEquals(".dockerignore:2: illegal exclusion pattern: \"!\"", e.getMessage());
    e = assertThrows(DockerfileException.class, () -> DockerIgnore.parse("\n[abc\n"));
    assertEquals(".dockerignore:2: syntax error in pattern \"[abc\"", e.getMessage());
  }
}
