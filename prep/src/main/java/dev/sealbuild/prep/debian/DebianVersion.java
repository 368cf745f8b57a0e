package dev.sealbuild.prep.debian;

import java.util.Objects;

/**
 * A Debian version string {@code [epoch:]upstream[-revision]}, kept exactly as written, ordered exactly like
 * {@code dpkg --compare-versions}: epochs numerically, then upstream and revision with dpkg's {@code verrevcmp}
 * ({@code ~} sorts before everything, even the end of the string; letters sort before non-letters; runs of digits
 * compare numerically).
 *
 * <p>{@link #equals} compares the text, so {@code 1.0} and {@code 1.00} are different versions that
 * {@link #compareTo} ranks as equal, just as dpkg does. Use {@link #compareTo} for version relations.
 */
public record DebianVersion(String text) implements Comparable<DebianVersion> {

  public DebianVersion {
    Objects.requireNonNull(text, "version");
    validate(text);
  }

  public static DebianVersion parse(String text) {
    return new DebianVersion(text);
  }

  /** The epoch, 0 when absent. */
  public long epoch() {
    int colon = text.indexOf(':');
    return colon < 0 ? 0 : Long.parseLong(text.substring(0, colon));
  }

  public String upstream() {
    int colon = text.indexOf(':');
    int hyphen = text.lastIndexOf('-');
    return text.substring(colon + 1, hyphen > colon ? hyphen : text.length());
  }

  /** The Debian revision, empty when absent. */
  public String revision() {
    int colon = text.indexOf(':');
    int hyphen = text.lastIndexOf('-');
    return hyphen > colon ? text.substring(hyphen + 1) : "";
  }

  @Override
  public int compareTo(DebianVersion other) {
    int byEpoch = Long.compare(epoch(), other.epoch());
    if (byEpoch != 0) {
      return byEpoch;
    }
    int byUpstream = verrevcmp(upstream(), other.upstream());
    if (byUpstream != 0) {
      return byUpstream;
    }
    return verrevcmp(revision(), other.revision());
  }

  @Override
  public String toString() {
    return text;
  }

  private static int order(String s, int i) {
    if (i >= s.length()) {
      return 0;
    }
    char c = s.charAt(i);
    if (isDigit(c)) {
      return 0;
    }
    if (isLetter(c)) {
      return c;
    }
    if (c == '~') {
      return -1;
    }
    return c + 256;
  }

  /** dpkg's verrevcmp (lib/dpkg/version.c), indices standing in for its pointers. */
  static int verrevcmp(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() || j < b.length()) {
      int firstDiff = 0;
      while ((i < a.length() && !isDigit(a.charAt(i))) || (j < b.length() && !isDigit(b.charAt(j)))) {
        int ac = order(a, i);
        int bc = order(b, j);
        if (ac != bc) {
          return Integer.signum(ac - bc);
        }
        i++;
        j++;
      }
      while (i < a.length() && a.charAt(i) == '0') {
        i++;
      }
      while (j < b.length() && b.charAt(j) == '0') {
        j++;
      }
      while (i < a.length() && isDigit(a.charAt(i)) && j < b.length() && isDigit(b.charAt(j))) {
        if (firstDiff == 0) {
          firstDiff = a.charAt(i) - b.charAt(j);
        }
        i++;
        j++;
      }
      if (i < a.length() && isDigit(a.charAt(i))) {
        return 1;
      }
      if (j < b.length() && isDigit(b.charAt(j))) {
        return -1;
      }
      if (firstDiff != 0) {
        return Integer.signum(firstDiff);
      }
    }
    return 0;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** The checks of dpkg's parseversion() that are errors (not the mere warnings). */
  private static void validate(String text) {
    if (text.isEmpty()) {
      throw invalid(text, "it is empty");
    }
    if (text.length() > 256) {
      throw invalid(text, "it is longer than 256 characters");
    }
    int colon = text.indexOf(':');
    if (colon == 0) {
      throw invalid(text, "the epoch before ':' is empty");
    }
    if (colon > 0) {
      String epoch = text.substring(0, colon);
      if (!epoch.chars().allMatch(c -> c >= '0' && c <= '9') || epoch.length() > 9) {
        throw invalid(text, "the epoch is not a number below 10^9");
      }
      if (colon == text.length() - 1) {
        throw invalid(text, "nothing follows the epoch");
      }
    }
    int hyphen = text.lastIndexOf('-');
    if (hyphen > colon && hyphen == text.length() - 1) {
      throw invalid(text, "the revision after '-' is empty");
    }
    int upstreamEnd = hyphen > colon ? hyphen : text.length();
    if (upstreamEnd == colon + 1) {
      throw invalid(text, "the upstream version is empty");
    }
    for (int k = colon + 1; k < upstreamEnd; k++) {
      char c = text.charAt(k);
      if (!(isDigit(c) || isLetter(c) || c == '.' || c == '+' || c == '~' || c == '-' || c == ':')) {
        throw invalid(text, "invalid character in the upstream version");
      }
    }
    for (int k = upstreamEnd + 1; k < text.length(); k++) {
      char c = text.charAt(k);
      if (!(isDigit(c) || isLetter(c) || c == '.' || c == '+' || c == '~')) {
        throw invalid(text, "invalid character in the revision");
      }
    }
  }

  private static IllegalArgumentException invalid(String text, String why) {
    // A version from an index may span continuation lines: shown escaped, so the message stays one line.
    String shown = dev.sealbuild.formats.io.Printable.of(text.length() > 80 ? text.substring(0, 80) + "..." : text);
    return new IllegalArgumentException("invalid Debian version '" + shown + "': " + why);
  }
}
