package dev.sealbuild.prep.alpine;

import java.util.Objects;

/**
 * An Alpine package version such as {@code 1.2.3_rc1-r4}, ordered exactly like apk-tools 2.x
 * ({@code src/version.c} of apk-tools 2.14, the {@code get_token} tokenizer; cross-checked in tests
 * against {@code apk version -t} and {@code apk version -c} from the Alpine 3.20 minirootfs).
 *
 * <p>Matched apk behaviours:
 * <ul>
 *   <li>numbers compare numerically; a component after a dot that starts with several zeros is worth
 *       "minus the number of extra zeros" first and then its remaining digits, so {@code 1.05 < 1.5} and
 *       {@code 1.00 < 1.0} (apk's {@code TOKEN_DIGIT_OR_ZERO}); the first component ignores leading zeros;
 *   <li>one lower-case letter after a number ({@code 1.2a}), which may be followed by more digits;
 *   <li>suffixes {@code _alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p}, each with
 *       an optional number, recognised by prefix as apk does ({@code _pre} before {@code _p});
 *   <li>revisions {@code -rN}; when one version is a prefix of the other, the longer one is newer unless
 *       it continues with a pre-release suffix;
 * </ul>
 * Not matched: apk accepts the empty string as a version; this class rejects it. Numbers above 2^31 overflow
 * apk's C {@code int} (undefined behaviour; the real binary is not consistent there); this class compares
 * them as 64-bit values.
 * {@link #compareTo} is inconsistent with {@link #equals} where apk considers different texts equal
 * (for example {@code 01} and {@code 1}).
 */
public final class ApkVersion implements Comparable<ApkVersion> {
  /** apk's comparison result bits ({@code APK_VERSION_EQUAL/LESS/GREATER}). */
  static final int EQUAL = 1;
  static final int LESS = 2;
  static final int GREATER = 4;

  private static final int T_INVALID = -1;
  private static final int T_DIGIT_OR_ZERO = 0;
  private static final int T_DIGIT = 1;
  private static final int T_LETTER = 2;
  private static final int T_SUFFIX = 3;
  private static final int T_SUFFIX_NO = 4;
  private static final int T_REVISION_NO = 5;
  private static final int T_END = 6;

  private static final String[] PRE_SUFFIXES = {"alpha", "beta", "pre", "rc"};
  private static final String[] POST_SUFFIXES = {"cvs", "svn", "git", "hg", "p"};

  private final String text;

  private ApkVersion(String text) {
    this.text = text;
  }

  /** Parses a version, rejecting anything apk would not accept (and the empty string). */
  public static ApkVersion parse(String text) {
    Objects.requireNonNull(text, "version");
    if (!isValid(text)) {
      throw new ApkException("invalid apk version '" + Texts.abbreviate(text)
          + "': expected digits{.digits}[letter]{_suffix[N]}[-rN], e.g. 1.2.3_rc1-r0");
    }
    return new ApkVersion(text);
  }

  /** True if apk-tools would accept {@code text} as a version (the empty string excepted). */
  public static boolean isValid(String text) {
    if (text.isEmpty() || text.indexOf('\0') >= 0) {
      return false;
    }
    Cursor cursor = new Cursor(text);
    while (cursor.type != T_END && cursor.type != T_INVALID) {
      cursor.token();
    }
    return cursor.type == T_END;
  }

  /** Compares two version strings the way apk does: negative, zero or positive. */
  public static int compare(String a, String b) {
    int bits = compareBits(a, b, false);
    return bits == LESS ? -1 : bits == GREATER ? 1 : 0;
  }

  /**
   * apk's {@code apk_version_compare_blob_fuzzy}: one of {@link #LESS}, {@link #EQUAL}, {@link #GREATER}.
   * With {@code fuzzy}, versions are equal as soon as one runs out of components while all compared
   * components were equal (so {@code 1.2.3} fuzzily equals {@code 1.2}, and vice versa).
   */
  static int compareBits(String a, String b, boolean fuzzy) {
    Cursor ca = new Cursor(a);
    Cursor cb = new Cursor(b);
    long av = 0;
    long bv = 0;
    while (ca.type == cb.type && ca.type != T_END && ca.type != T_INVALID && av == bv) {
      av = ca.token();
      bv = cb.token();
    }
    if (av < bv) {
      return LESS;
    }
    if (av > bv) {
      return GREATER;
    }
    if (ca.type == cb.type || fuzzy) {
      return EQUAL;
    }
    // The longer version is newer unless what follows is a pre-release suffix (or an invalid one).
    if (ca.type == T_SUFFIX && ca.copy().token() < 0) {
      return LESS;
    }
    if (cb.type == T_SUFFIX && cb.copy().token() < 0) {
      return GREATER;
    }
    if (ca.type > cb.type) {
      return LESS;
    }
    if (cb.type > ca.type) {
      return GREATER;
    }
    return EQUAL;
  }

  public String text() {
    return text;
  }

  @Override
  public int compareTo(ApkVersion other) {
    return compare(text, other.text);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApkVersion v && v.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }

  /** apk's tokenizer state: the type of the token at {@code pos} and the position itself. */
  private static final class Cursor {
    private final String s;
    private int pos;
    private int type = T_DIGIT;

    Cursor(String s) {
      this.s = s;
    }

    Cursor copy() {
      Cursor c = new Cursor(s);
      c.pos = pos;
      c.type = type;
      return c;
    }

    private int remaining() {
      return s.length() - pos;
    }

    /** apk's {@code get_token}: returns the value of the current token and advances to the next one. */
    long token() {
      long value = 0;
      int length = 0;
      int nextType = T_INVALID;
      int remaining = remaining();
      if (remaining <= 0) {
        type = T_END;
        return 0;
      }
      switch (type) {
        case T_DIGIT_OR_ZERO:
          if (s.charAt(pos) == '0') {
            // All but the last leading zero count against the component; the last one is read as a number.
            while (length + 1 < remaining && s.charAt(pos + length + 1) == '0') {
              length++;
            }
            nextType = T_DIGIT;
            value = -length;
          } else {
            length = digitCount();
            value = number(length);
          }
          break;
        case T_DIGIT:
        case T_SUFFIX_NO:
        case T_REVISION_NO:
          length = digitCount();
          value = number(length);
          break;
        case T_LETTER:
          value = s.charAt(pos);
          length = 1;
          break;
        case T_SUFFIX:
          int pre = prefixIndex(PRE_SUFFIXES);
          if (pre >= 0) {
            value = pre - PRE_SUFFIXES.length;
            length = PRE_SUFFIXES[pre].length();
            break;
          }
          int post = prefixIndex(POST_SUFFIXES);
          if (post >= 0) {
            value = post;
            length = POST_SUFFIXES[post].length();
            break;
          }
          type = T_INVALID;
          return -1;
        default:
          type = T_INVALID;
          return -1;
      }
      pos += length;
      if (remaining() == 0) {
        type = T_END;
      } else if (nextType != T_INVALID) {
        type = nextType;
      } else {
        nextToken();
      }
      return value;
    }

    private int digitCount() {
      int count = 0;
      while (pos + count < s.length() && isDigit(s.charAt(pos + count))) {
        count++;
      }
      return count;
    }

    private long number(int digits) {
      long value = 0;
      for (int i = 0; i < digits; i++) {
        value = value * 10 + (s.charAt(pos + i) - '0');
      }
      return value;
    }

    private int prefixIndex(String[] suffixes) {
      for (int i = 0; i < suffixes.length; i++) {
        if (s.startsWith(suffixes[i], pos)) {
          return i;
        }
      }
      return -1;
    }

    /** apk's {@code next_token}: decides the type of the next token from the separator. */
    private void nextToken() {
      int next = T_INVALID;
      char c = remaining() == 0 ? '\0' : s.charAt(pos);
      if (c == '\0') {
        next = T_END;
      } else if ((type == T_DIGIT || type == T_DIGIT_OR_ZERO) && isLower(c)) {
        next = T_LETTER;
      } else if (type == T_LETTER && isDigit(c)) {
        next = T_DIGIT;
      } else if (type == T_SUFFIX && isDigit(c)) {
        next = T_SUFFIX_NO;
      } else {
        switch (c) {
          case '.' -> next = T_DIGIT_OR_ZERO;
          case '_' -> next = T_SUFFIX;
          case '-' -> {
            if (remaining() > 1 && s.charAt(pos + 1) == 'r') {
              next = T_REVISION_NO;
              pos++;
            }
          }
          default -> { }
        }
        pos++;
      }
      if (next < type) {
        boolean allowed = (next == T_DIGIT_OR_ZERO && type == T_DIGIT)
            || (next == T_SUFFIX && type == T_SUFFIX_NO)
            || (next == T_DIGIT && type == T_LETTER);
        if (!allowed) {
          next = T_INVALID;
        }
      }
      type = next;
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private static boolean isLower(char c) {
      return c >= 'a' && c <= 'z';
    }
  }
}
