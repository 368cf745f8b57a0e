package dev.sealbuild.builder.apk;

/** Text from a package made safe for a one-line message. */
final class ApkText {
  private ApkText() {}

  static String printable(String s) {
    String t = s.length() > 200 ? s.substring(0, 200) + "..." : s;
    StringBuilder b = new StringBuilder();
    t.codePoints().forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f) {
        b.append(String.format("\\x%02x", cp));
      } else {
        b.appendCodePoint(cp);
      }
    });
    return b.toString();
  }
}
