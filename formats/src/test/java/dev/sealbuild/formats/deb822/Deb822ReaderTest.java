package dev.sealbuild.formats.deb822;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.UserError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one rule for odd deb822 input (Debian Policy 5.1, as dpkg reads it). */
class Deb822ReaderTest {
  @Test
  void aDuplicateFieldIsAnErrorWhateverItsCase() {
    Deb822Exception e = assertThrows(Deb822Exception.class,
        () -> Deb822Reader.parseFirst("Package: a\nVersion: 1\npackage: b\n", "pkg control"));
    assertEquals("pkg control: field 'package' appears twice in the paragraph at line 1", e.getMessage());
    assertTrue(e instanceof UserError);
  }

  @Test
  void fieldNamesAreCaseInsensitiveAndContinuationLinesFold() {
    Deb822Stanza s = Deb822Reader.parseFirst("Package: a\nDescription: short\n long text\n .\n more\n", "x");
    assertEquals("a", s.folded("PACKAGE"));
    assertEquals("short", s.firstLine("description"));
    assertEquals("short long text . more", s.folded("Description"));
    assertEquals("short\nlong text\n.\nmore", s.fieldOrEmpty("description"));
    assertNull(s.folded("Depends"));
  }

  @Test
  void paragraphsAreSeparatedByBlankLines() {
    List<Deb822Stanza> all = Deb822Reader.parseAll("A: 1\n\n \t\nA: 2\r\nB: 3\n\n", "x", Deb822Reader.Syntax.STRICT);
    assertEquals(2, all.size());
    assertEquals("2", all.get(1).folded("a"));
    assertEquals(4, all.get(1).firstLine());
  }

  @Test
  void commentsAreAllowedOnlyWhereTheFormatAllowsThem() {
    String text = "# the mirror\nTypes: deb\n# URIs: http://old\nURIs: http://new\n";
    List<Deb822Stanza> sources = Deb822Reader.parseAll(text, "debian.sources", Deb822Reader.Syntax.COMMENTS);
    assertEquals("http://new", sources.get(0).folded("uris"));
    Deb822Exception e = assertThrows(Deb822Exception.class,
        () -> Deb822Reader.parseAll(text, "Packages", Deb822Reader.Syntax.STRICT));
    assertEquals("Packages: line 1 is neither 'Field: value' nor a continuation line", e.getMessage());
  }

  @Test
  void aContinuationWithoutAFieldOrALineWithoutAColonIsAnError() {
    assertEquals("x: continuation line 1 has no field before it",
        assertThrows(Deb822Exception.class, () -> Deb822Reader.parseFirst(" orphan\n", "x")).getMessage());
    assertEquals("x: line 2 is neither 'Field: value' nor a continuation line",
        assertThrows(Deb822Exception.class, () -> Deb822Reader.parseFirst("A: 1\nno colon\n", "x")).getMessage());
  }

  @Test
  void boundsAreErrorsNamingTheSource() {
    Deb822Reader.Limits small = new Deb822Reader.Limits(20, 1000, 2);
    Deb822Exception tooMany = assertThrows(Deb822Exception.class, () -> new Deb822Reader(
        new java.io.ByteArrayInputStream("A: 1\nB: 2\nC: 3\n".getBytes()), "idx", small).next());
    assertEquals("idx: paragraph at line 1 has more than 2 fields", tooMany.getMessage());
    Deb822Exception tooLong = assertThrows(Deb822Exception.class, () -> new Deb822Reader(
        new java.io.ByteArrayInputStream("A: 123456789012345678901234567890\n".getBytes()), "idx", small).next());
    assertEquals("idx: line 1 is longer than 20 characters", tooLong.getMessage());
  }

  /** Keeps only Package and Depends, as an index reader does; records what it saw. */
  private static List<String> visit(String text, Deb822Reader.Limits limits) throws IOException {
    return visit(text.getBytes(StandardCharsets.UTF_8), limits);
  }

  private static List<String> visit(byte[] bytes, Deb822Reader.Limits limits) throws IOException {
    List<String> seen = new ArrayList<>();
    try (Deb822Reader reader = new Deb822Reader(new ByteArrayInputStream(bytes), "Packages", limits)) {
      Deb822Reader.FieldVisitor visitor = new Deb822Reader.FieldVisitor() {
        @Override
        public boolean wants(String name) {
          return name.equalsIgnoreCase("Package") || name.equalsIgnoreCase("Depends");
        }

        @Override
        public void field(String name, String value) {
          seen.add(name + "=" + value);
        }

        @Override
        public void end(long firstLine) {
          seen.add("end@" + firstLine);
        }
      };
      while (reader.next(visitor)) {
        // the visitor records
      }
    }
    return seen;
  }

  @Test
  void theVisitorSeesOnlyTheFieldsItWantsWithTheSameValues() throws IOException {
    String text = "Package: a\nDescription: long\n text\nDepends: b,\n c\n\nPackage: d\n";
    assertEquals(List.of("Package=a", "Depends=b,\nc", "end@1", "Package=d", "end@7"),
        visit(text, Deb822Reader.Limits.DEFAULT));
  }

  @Test
  void theVisitorIsAsStrictAboutFieldsItDoesNotWant() {
    Deb822Exception duplicate = assertThrows(Deb822Exception.class,
        () -> visit("Package: a\nDescription: x\ndescription: y\n", Deb822Reader.Limits.DEFAULT));
    assertEquals("Packages: field 'description' appears twice in the paragraph at line 1", duplicate.getMessage());
    Deb822Exception tooLong = assertThrows(Deb822Exception.class,
        () -> visit("Package: a\nDescription: x\n" + " more text\n".repeat(20), new Deb822Reader.Limits(100, 100, 10)));
    assertEquals("Packages: paragraph starting at line 1 exceeds 100 characters", tooLong.getMessage());
    Deb822Exception noColon = assertThrows(Deb822Exception.class,
        () -> visit("Package: a\nDescription x\n", Deb822Reader.Limits.DEFAULT));
    assertEquals("Packages: line 2 is neither 'Field: value' nor a continuation line", noColon.getMessage());
  }

  private static Deb822Stanza first(byte[] bytes, Deb822Reader.Limits limits) throws IOException {
    try (Deb822Reader reader = new Deb822Reader(new ByteArrayInputStream(bytes), "x", limits)) {
      return reader.next();
    }
  }

  @Test
  void valuesAreStrippedAsStringStripDoesAndKeepTheirUtf8() throws IOException {
    String text = "Package: \u2003caf\u00e9 \u2603\u3000\t\nDescription:\u00a0x\n \u2003more\u2003\n";
    Deb822Stanza s = first(text.getBytes(StandardCharsets.UTF_8), Deb822Reader.Limits.DEFAULT);
    assertEquals("caf\u00e9 \u2603", s.folded("package"));
    assertEquals("\u00a0x\nmore", s.fieldOrEmpty("description")); // NBSP is not white space to String.strip
    assertEquals(text, s.text());
  }

  @Test
  void linesLongerThanTheReadBufferAndCrLfAcrossItsEdgeReadWhole() throws IOException {
    for (int pad = 65_530; pad < 65_540; pad++) {
      String value = "v".repeat(pad);
      String text = "A: " + value + "\r\nB: \u00e9" + "w".repeat(70_000) + "\r\n\r\nC: 3";
      List<Deb822Stanza> all = new ArrayList<>();
      try (Deb822Reader reader = new Deb822Reader(
          new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "x", Deb822Reader.Limits.DEFAULT)) {
        for (Deb822Stanza s = reader.next(); s != null; s = reader.next()) {
          all.add(s);
        }
      }
      assertEquals(2, all.size());
      assertEquals(value, all.get(0).folded("a"));
      assertEquals(70_001, all.get(0).folded("b").length());
      assertEquals("3", all.get(1).folded("c"));
      assertEquals(4, all.get(1).firstLine());
    }
  }

  @Test
  void theLineLimitCountsCharactersNotBytes() throws IOException {
    Deb822Reader.Limits small = new Deb822Reader.Limits(20, 1000, 10);
    assertEquals("\u20ac".repeat(17), first(("A: " + "\u20ac".repeat(17) + "\n").getBytes(StandardCharsets.UTF_8),
        small).folded("a"));
    Deb822Exception tooLong = assertThrows(Deb822Exception.class,
        () -> first(("A: " + "\u20ac".repeat(18)).getBytes(StandardCharsets.UTF_8), small));
    assertEquals("x: line 1 is longer than 20 characters", tooLong.getMessage());
    Deb822Exception endless = assertThrows(Deb822Exception.class,
        () -> first(("A: " + "y".repeat(200_000)).getBytes(StandardCharsets.UTF_8), small));
    assertEquals("x: line 1 is longer than 20 characters", endless.getMessage());
  }

  @Test
  void invalidUtf8IsAnErrorNamingItsLineEvenInAFieldNoOneWants() throws IOException {
    byte[] bytes = "Package: a\nDescription: ok\n caf\u00e9 \u00ff\n".getBytes(StandardCharsets.ISO_8859_1);
    Deb822Exception e = assertThrows(Deb822Exception.class, () -> visit(bytes, Deb822Reader.Limits.DEFAULT));
    assertEquals("Packages: invalid UTF-8 in line 3", e.getMessage());
    byte[] name = "Package: a\nX\u00e9: 1\n".getBytes(StandardCharsets.UTF_8);
    assertEquals("x: line 2 has an invalid field name 'X\u00e9'",
        assertThrows(Deb822Exception.class, () -> first(name, Deb822Reader.Limits.DEFAULT)).getMessage());
  }

  @Test
  void aDuplicateIsFoundAmongManyFields() {
    StringBuilder text = new StringBuilder();
    for (int k = 0; k < 40; k++) {
      text.append("Field-").append(k).append(": ").append(k).append('\n');
    }
    assertEquals(40, Deb822Reader.parseFirst(text.toString(), "x").fields().size());
    text.append("FIELD-7: again\n");
    assertEquals("x: field 'FIELD-7' appears twice in the paragraph at line 1",
        assertThrows(Deb822Exception.class, () -> Deb822Reader.parseFirst(text.toString(), "x")).getMessage());
  }
}
