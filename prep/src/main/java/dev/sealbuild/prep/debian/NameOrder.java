package dev.sealbuild.prep.debian;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The package names an index mentions, in the order apt's cache generator first creates them: each package's name,
 * then the unqualified names its relation fields mention (in the field order of apt's {@code debListParser::NewVersion},
 * Provides last). apt breaks some ties by this order. Over several indexes it is the first appearance in their
 * concatenation, so each Packages file's order is computed once (and kept with its parsed form) and merged.
 */
public record NameOrder(List<String> names) {
  public NameOrder {
    names = List.copyOf(names);
  }

  /**
   * The order of one list of packages. A relation field seen before (the parser shares equal values) adds no name
   * that is not already placed, so each distinct field is scanned once and the repeats are skipped.
   */
  public static NameOrder of(List<DebianPackage> packages) {
    Set<String> order = new LinkedHashSet<>(2 * packages.size());
    Set<String> scanned = Collections.newSetFromMap(new IdentityHashMap<>(packages.size()));
    for (DebianPackage pkg : packages) {
      order.add(pkg.name());
      DebianPackage.RelationFields f = pkg.relations();
      if (f == DebianPackage.RelationFields.NONE) {
        continue;
      }
      for (String field : new String[] {f.preDepends(), f.depends(), f.conflicts(), f.breaks(), f.recommends(),
          f.suggests(), f.replaces(), f.enhances(), f.provides()}) {
        if (!field.isEmpty() && scanned.add(field)) {
          order.addAll(unqualifiedNames(field));
        }
      }
    }
    return new NameOrder(new ArrayList<>(order));
  }

  /** The order of these lists read one after the other. */
  public static NameOrder concat(List<NameOrder> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    Set<String> order = new LinkedHashSet<>();
    parts.forEach(p -> order.addAll(p.names()));
    return new NameOrder(new ArrayList<>(order));
  }

  /** Numbers the names not yet in {@code creationOrder} after those that are. */
  void appendTo(Map<String, Integer> creationOrder) {
    for (String name : names) {
      creationOrder.putIfAbsent(name, creationOrder.size());
    }
  }

  /** The package names a relation field mentions without an architecture qualifier, in order (a quick scan). */
  private static List<String> unqualifiedNames(String field) {
    List<String> names = new ArrayList<>();
    int i = 0;
    int n = field.length();
    while (i < n) {
      while (i < n && (Character.isWhitespace(field.charAt(i)) || field.charAt(i) == ',' || field.charAt(i) == '|')) {
        i++;
      }
      int start = i;
      while (i < n && isNameChar(field.charAt(i))) {
        i++;
      }
      if (i > start && (i == n || field.charAt(i) != ':')) {
        names.add(field.substring(start, i));
      }
      while (i < n && field.charAt(i) != ',' && field.charAt(i) != '|') {
        i++;
      }
    }
    return names;
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '+' || c == '-'
        || c == '.' || c == '_';
  }
}
