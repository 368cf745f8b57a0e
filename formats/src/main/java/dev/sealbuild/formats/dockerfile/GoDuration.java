package dev.sealbuild.formats.dockerfile;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/** Go's time.ParseDuration, which HEALTHCHECK's --interval, --timeout, --start-period and --start-interval use. */
public final class GoDuration {
  private static final Map<String, Long> UNITS = Map.of("ns", 1L, "us", 1_000L, "\u00b5s", 1_000L,
      "\u03bcs", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

  private GoDuration() {}

  /** Nanoseconds of a Go duration such as {@code 30s}, {@code 1m30s}, {@code 1.5h}, {@code 0}. */
  public static long nanos(String s, int line, String file) throws DockerfileException {
    try {
      return parseNanos(s);
    } catch (ShellLexer.LexError e) {
      throw new DockerfileException(file, line, e.getMessage());
    }
  }

  static long parseNanos(String s) throws ShellLexer.LexError {
    String orig = s;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return 0;
    }
    if (s.isEmpty()) {
      throw invalid(orig);
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
        throw invalid(orig);
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      Long unit = UNITS.get(s.substring(unitStart, i));
      if (unit == null) {
        throw new ShellLexer.LexError(unitStart == i ? "time: missing unit in duration \"" + orig + "\""
            : "time: unknown unit \"" + s.substring(unitStart, i) + "\" in duration \"" + orig + "\"");
      }
      String n = number.endsWith(".") ? number + "0" : number.startsWith(".") ? "0" + number : number;
      total = total.add(new BigDecimal(n).multiply(BigDecimal.valueOf(unit)));
      if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw invalid(orig);
      }
    }
    BigInteger nanos = total.toBigInteger();
    return negative ? -nanos.longValueExact() : nanos.longValueExact();
  }

  private static ShellLexer.LexError invalid(String s) {
    return new ShellLexer.LexError("time: invalid duration \"" + s + "\"");
  }
}
