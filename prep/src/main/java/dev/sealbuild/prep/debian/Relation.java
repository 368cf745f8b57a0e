package dev.sealbuild.prep.debian;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One package relation such as {@code libc6:amd64 (>= 2.36) [amd64]}.
 *
 * @param name the target package name
 * @param archQualifier {@code any}, {@code native}, an architecture, or empty when unqualified
 * @param operator empty for an unversioned relation
 * @param version empty for an unversioned relation
 * @param archRestrictions the {@code [...]} list as written (entries may start with {@code !}); empty if none
 */
public record Relation(String name, Optional<String> archQualifier, Optional<Operator> operator,
    Optional<DebianVersion> version, List<String> archRestrictions) {

  /** Version relation operators; {@code <} and {@code >} are dpkg's deprecated spellings of <= and >=. */
  public enum Operator {
    EARLIER("<<"), EARLIER_OR_EQUAL("<="), EQUAL("="), LATER_OR_EQUAL(">="), LATER(">>");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    /** Whether a version comparing {@code cmp} (sign of candidate.compareTo(required)) satisfies the operator. */
    public boolean accepts(int cmp) {
      return switch (this) {
        case EARLIER -> cmp < 0;
        case EARLIER_OR_EQUAL -> cmp <= 0;
        case EQUAL -> cmp == 0;
        case LATER_OR_EQUAL -> cmp >= 0;
        case LATER -> cmp > 0;
      };
    }
  }

  public Relation {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(archQualifier, "archQualifier");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(version, "version");
    archRestrictions = List.copyOf(archRestrictions);
    if (operator.isPresent() != version.isPresent()) {
      throw new IllegalArgumentException("operator and version go together: " + name);
    }
  }

  public boolean isVersioned() {
    return operator.isPresent();
  }

  /** Whether {@code candidate} meets this relation's version constraint (always true when unversioned). */
  public boolean acceptsVersion(DebianVersion candidate) {
    return operator.isEmpty() || operator.get().accepts(candidate.compareTo(version.get()));
  }

  /** As in a control file, without the architecture restriction list. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(name);
    archQualifier.ifPresent(q -> s.append(':').append(q));
    operator.ifPresent(op -> s.append(" (").append(op.symbol()).append(' ').append(version.get()).append(')'));
    return s.toString();
  }
}
