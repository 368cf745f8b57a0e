package dev.sealbuild.prep.http;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts as people write and read them: {@code 512}, {@code 1K}, {@code 2GiB}; {@code 12 B}, {@code 1 KiB}. */
public final class ByteSize {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(?:([KMGT])(?:I?B)?|B)?");

  private ByteSize() {}

  /**
   * Reads a whole number of bytes with an optional K, M, G or T suffix (powers of 1024, an optional {@code iB} or
   * {@code B} after it); empty when {@code text} is not such a size or does not fit a long.
   */
  public static OptionalLong parse(String text) {
    Matcher m = SIZE.matcher(text.strip().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    try {
      long number = Long.parseLong(m.group(1));
      int shift = m.group(2) == null ? 0 : 10 * ("KMGT".indexOf(m.group(2).charAt(0)) + 1);
      return number <= (Long.MAX_VALUE >> shift) ? OptionalLong.of(number << shift) : OptionalLong.empty();
    } catch (NumberFormatException tooLong) {
      return OptionalLong.empty();
    }
  }

  /** {@code 12 B}, {@code 1 KiB}, {@code 1.5 KiB}: exact multiples without decimals, others to one decimal. */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    int unit = 0;
    double value = bytes;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return value == Math.rint(value) ? (long) value + " " + UNITS[unit]
        : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }
}
