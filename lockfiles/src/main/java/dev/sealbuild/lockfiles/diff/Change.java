package dev.sealbuild.lockfiles.diff;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What happened to an entry between two locks; rendered as {@code +}, {@code -} or {@code ~}. */
public enum Change {
  ADDED("+"),
  REMOVED("-"),
  CHANGED("~");

  private final String sign;

  Change(String sign) {
    this.sign = sign;
  }

  public String sign() {
    return sign;
  }

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  static <T> Change between(T from, T to) {
    return from == null ? ADDED : to == null ? REMOVED : CHANGED;
  }
}
