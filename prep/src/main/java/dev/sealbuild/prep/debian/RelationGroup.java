package dev.sealbuild.prep.debian;

import java.util.List;
import java.util.stream.Collectors;

/** One comma-separated entry of a relation field: alternatives separated by {@code |}, first preferred. */
public record RelationGroup(List<Relation> alternatives) {

  public RelationGroup {
    alternatives = List.copyOf(alternatives);
    if (alternatives.isEmpty()) {
      throw new IllegalArgumentException("a relation group needs at least one alternative");
    }
  }

  @Override
  public String toString() {
    return alternatives.stream().map(Relation::toString).collect(Collectors.joining(" | "));
  }
}
