package dev.sealbuild.lockfiles.spec;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration written as Docker (and Go's {@code time.ParseDuration}) takes it: one or more number-unit pairs such as
 * {@code 30s}, {@code 1m30s}, {@code 1.5h} or {@code 500ms}; units ns, us, ms, s, m, h. Read strictly: no sign, no
 * spaces, no bare number.
 */
public final class Duration {
  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h)");
  private static final long MAX_NANOS = Long.MAX_VALUE;

  private Duration() {}

  /** The duration in nanoseconds; {@code what} names the key in the error. */
  public static long nanos(String text, String what) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty; write a duration such as 30s or 1m30s");
    }
    Matcher m = PART.matcher(text);
    int at = 0;
    BigDecimal total = BigDecimal.ZERO;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(what + " '" + text + "' is not a duration; write it like 30s, 1m30s or 500ms (units ns, us, ms, s, m, h)");
      }
      total = total.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit(m.group(2)))));
      at = m.end();
    }
    if (total.compareTo(BigDecimal.valueOf(MAX_NANOS)) > 0) {
      throw new IllegalArgumentException(what + " '" + text + "' is too long; the longest is about 2562047h");
    }
    return total.longValue();
  }

  private static long unit(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      default -> 3_600_000_000_000L;
    };
  }
}
