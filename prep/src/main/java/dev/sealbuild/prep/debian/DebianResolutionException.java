package dev.sealbuild.prep.debian;

/** A package request that cannot be resolved; the message is one line naming the package and the cause. */
public class DebianResolutionException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why resolution failed. */
  public enum Kind {
    /** A requested name is neither a package nor provided by one. */
    UNKNOWN_PACKAGE,
    /** A requested name is only provided, by several packages: the user must pick one. */
    AMBIGUOUS_VIRTUAL,
    /** A {@code name=version} or {@code name/suite} request names a version or suite the repositories lack. */
    UNKNOWN_VERSION,
    /** A {@code name/suite} request names a suite no repository entry has. */
    UNKNOWN_SUITE,
    /** The same package is requested twice in different forms. */
    CONFLICTING_REQUESTS,
    /** A requested name is also excluded. */
    EXCLUDED,
    /** Some dependency in the closure cannot be satisfied. */
    UNSATISFIABLE,
    /** A relation field in the index cannot be parsed. */
    MALFORMED_RELATION,
    /**
     * A {@code name:arch} request for another architecture than the platform's needs a package of that architecture
     * that is not Multi-Arch: foreign (or no index of that architecture was read).
     */
    FOREIGN_ARCHITECTURE
  }

  private final Kind kind;

  public DebianResolutionException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
