package dev.sealbuild.prep.alpine;

/**
 * A dependency's version operator, as apk-tools 2.x parses it from any run of {@code < = > ~}
 * characters (so {@code =<} equals {@code <=}). {@code ~} is apk's fuzzy match: the required version
 * must be a component-wise prefix of the provided one (or the other way round, as in apk 2.x).
 * {@code ><} pins a package checksum ({@code name><Q1...}) instead of a version.
 */
public enum ApkVersionOp {
  ANY("", ApkVersion.EQUAL | ApkVersion.LESS | ApkVersion.GREATER, false),
  LESS("<", ApkVersion.LESS, false),
  LESS_OR_EQUAL("<=", ApkVersion.LESS | ApkVersion.EQUAL, false),
  EQUAL("=", ApkVersion.EQUAL, false),
  GREATER_OR_EQUAL(">=", ApkVersion.GREATER | ApkVersion.EQUAL, false),
  GREATER(">", ApkVersion.GREATER, false),
  FUZZY("~", ApkVersion.EQUAL, true),
  LESS_OR_FUZZY("<~", ApkVersion.LESS | ApkVersion.EQUAL, true),
  GREATER_OR_FUZZY(">~", ApkVersion.GREATER | ApkVersion.EQUAL, true),
  CHECKSUM("><", ApkVersion.LESS | ApkVersion.GREATER, false);

  private final String symbol;
  private final int mask;
  private final boolean fuzzy;

  ApkVersionOp(String symbol, int mask, boolean fuzzy) {
    this.symbol = symbol;
    this.mask = mask;
    this.fuzzy = fuzzy;
  }

  public String symbol() {
    return symbol;
  }

  /** Maps a run of comparison characters to an operator; rejects runs that mean nothing useful. */
  public static ApkVersionOp fromSymbol(String chars) {
    int mask = 0;
    boolean fuzzy = false;
    for (int i = 0; i < chars.length(); i++) {
      switch (chars.charAt(i)) {
        case '<' -> mask |= ApkVersion.LESS;
        case '>' -> mask |= ApkVersion.GREATER;
        case '=' -> mask |= ApkVersion.EQUAL;
        case '~' -> {
          mask |= ApkVersion.EQUAL;
          fuzzy = true;
        }
        default -> throw new ApkException("invalid version operator '" + Texts.abbreviate(chars) + "'");
      }
    }
    for (ApkVersionOp op : values()) {
      if (op != ANY && op.mask == mask && op.fuzzy == fuzzy) {
        return op;
      }
    }
    throw new ApkException("unsupported version operator '" + Texts.abbreviate(chars)
        + "': use one of < <= = >= > ~ <~ >~ ><");
  }

  /** Does {@code provided} satisfy "{@code this required}"? ({@link #ANY} always does.) */
  public boolean matches(String provided, String required) {
    if (this == ANY) {
      return true;
    }
    if (this == CHECKSUM) {
      throw new IllegalStateException("checksum dependencies match a package checksum, not a version");
    }
    return (ApkVersion.compareBits(provided, required, fuzzy) & mask) != 0;
  }
}
