package dev.sealbuild.prep.fetch;

import java.util.Locale;

/** Byte counts for people: {@code 512 B}, {@code 1.2 MiB}. */
final class HumanBytes {
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};

  private HumanBytes() {}

  static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }
}
