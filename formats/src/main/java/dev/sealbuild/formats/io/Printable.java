package dev.sealbuild.formats.io;

/** Text from an archive made safe for a one-line message: control characters escaped, length capped. */
public final class Printable {
  private static final int MAX = 200;

  private Printable() {}

  /** As {@link #of(String)}, cut to {@code max} characters (then "...") for a short quote; line breaks as spaces. */
  public static String quoted(String s, int max) {
    String printable = of(s.replace('\n', ' '));
    return printable.length() > max ? printable.substring(0, max) + "..." : printable;
  }

  public static String of(String s) {
    return escaped(s.length() > MAX ? s.substring(0, MAX) + "..." : s);
  }

  /** Control characters escaped ({@code \x0a}), nothing cut: a whole message kept on one line. */
  public static String escaped(String t) {
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
