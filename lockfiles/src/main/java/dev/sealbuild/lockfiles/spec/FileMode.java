package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Permission bits (at most {@code 07777}). Written in the spec as a quoted octal string ({@code "0755"});
 * an unquoted number is read by its digits as octal too, so {@code mode: 0755} and {@code mode: 755} agree.
 */
public record FileMode(int bits) {
  public FileMode {
    if (bits < 0 || bits > 07777) {
      throw new IllegalArgumentException("mode must be between 0000 and 7777 (octal), got " + Integer.toOctalString(bits));
    }
  }

  @JsonCreator
  public static FileMode parse(String text) {
    String t = text.trim();
    if (t.startsWith("0o")) {
      t = t.substring(2);
    }
    if (t.isEmpty() || t.length() > 5 || !t.chars().allMatch(c -> c >= '0' && c <= '7')) {
      throw new IllegalArgumentException("mode '" + text + "' is not octal permission bits such as \"0644\" or \"0755\"");
    }
    return new FileMode(Integer.parseInt(t, 8));
  }

  @JsonCreator
  public static FileMode fromNumber(int number) {
    return parse(Integer.toString(number));
  }

  @JsonValue
  public String octal() {
    return String.format("%04o", bits);
  }

  @Override
  public String toString() {
    return octal();
  }
}
