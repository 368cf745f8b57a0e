package dev.sealbuild.prep.alpine;

/** Helpers for putting untrusted text into one-line error messages. */
final class Texts {
  private Texts() {
  }

  /** Shortens and escapes control characters so a message stays one readable line. */
  static String abbreviate(String s) {
    String shortened = s.length() > 120 ? s.substring(0, 120) + "..." : s;
    StringBuilder out = new StringBuilder(shortened.length());
    for (int i = 0; i < shortened.length(); i++) {
      char c = shortened.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
