package dev.sealbuild.prep.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DependencyParserTest {

  @Test
  void parsesAlternativesVersionsAndQualifiers() {
    List<RelationGroup> groups = DependencyParser.parse(
        "libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0, python3:any (<< 3.12), perl:native,\n"
            + " libfoo:amd64 (= 1:2.0-1)");
    assertEquals(5, groups.size());
    Relation libc = groups.get(0).alternatives().get(0);
    assertEquals("libc6", libc.name());
    assertEquals(Optional.of(Relation.Operator.LATER_OR_EQUAL), libc.operator());
    assertEquals(DebianVersion.parse("2.34"), libc.version().orElseThrow());
    assertEquals(List.of("debconf (>= 0.5)", "debconf-2.0"),
        groups.get(1).alternatives().stream().map(Relation::toString).toList());
    assertEquals(Optional.of("any"), groups.get(2).alternatives().get(0).archQualifier());
    assertEquals(Optional.of(Relation.Operator.EARLIER), groups.get(2).alternatives().get(0).operator());
    assertEquals(Optional.of("native"), groups.get(3).alternatives().get(0).archQualifier());
    Relation qualified = groups.get(4).alternatives().get(0);
    assertEquals("libfoo:amd64 (= 1:2.0-1)", qualified.toString());
    assertEquals(1, qualified.version().orElseThrow().epoch());
  }

  @Test
  void allOperatorsIncludingDeprecatedSpellings() {
    List<Relation> r = DependencyParser.parseFlat("a (<< 1), b (<= 1), c (= 1), d (>= 1), e (>> 1), f (< 1), g (> 1)");
    assertEquals(List.of(Relation.Operator.EARLIER, Relation.Operator.EARLIER_OR_EQUAL, Relation.Operator.EQUAL,
        Relation.Operator.LATER_OR_EQUAL, Relation.Operator.LATER, Relation.Operator.EARLIER_OR_EQUAL,
        Relation.Operator.LATER_OR_EQUAL), r.stream().map(x -> x.operator().orElseThrow()).toList());
  }

  @Test
  void versionConstraintsUseDpkgOrdering() {
    Relation atLeast = DependencyParser.parseFlat("x (>= 1.0~rc1)").get(0);
    assertTrue(atLeast.acceptsVersion(DebianVersion.parse("1.0")));
    assertTrue(atLeast.acceptsVersion(DebianVersion.parse("1.0~rc1")));
    assertFalse(atLeast.acceptsVersion(DebianVersion.parse("1.0~beta")));
    Relation before = DependencyParser.parseFlat("x (<< 2)").get(0);
    assertTrue(before.acceptsVersion(DebianVersion.parse("2~")));
    assertFalse(before.acceptsVersion(DebianVersion.parse("2")));
    assertTrue(DependencyParser.parseFlat("x").get(0).acceptsVersion(DebianVersion.parse("0")));
  }

  @Test
  void architectureRestrictionsFilterAlternativesAndProfilesAreIgnored() {
    String field = "a [amd64] | b [!amd64], c [i386], d <!nocheck> <stage1 cross>, e [linux-any]";
    List<RelationGroup> amd64 = DependencyParser.parse(field, "amd64");
    assertEquals(List.of("a", "d", "e"), amd64.stream().map(RelationGroup::toString).toList());
    List<RelationGroup> i386 = DependencyParser.parse(field, "i386");
    assertEquals(List.of("b", "c", "d", "e"), i386.stream().map(RelationGroup::toString).toList());
    assertEquals(List.of("amd64"), DependencyParser.parse(field).get(0).alternatives().get(0).archRestrictions());
  }

  @Test
  void emptyFieldHasNoGroups() {
    assertEquals(List.of(), DependencyParser.parse(""));
    assertEquals(List.of(), DependencyParser.parse(" \n "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a (>= )", "a (=> 1)", "a (>= 1", "(>= 1)", "a [amd64 !i386]", "a b", "a <unterminated",
      "a:", "a (>= 1_0)"})
  void rejectsMalformedRelations(String field) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DependencyParser.parse(field));
    assertTrue(e.getMessage().startsWith("bad relation"), e.getMessage());
  }

  @Test
  void flatFieldsRefuseAlternatives() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DependencyParser.parseFlat("a | b"));
    assertTrue(e.getMessage().contains("alternatives"), e.getMessage());
  }
}
