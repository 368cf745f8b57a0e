package dev.sealbuild.builder.apk;

/** Text from a package made safe for a one-line message. */
final class ApkText {
  private ApkText() {}

  static String printable(String s) {
    return dev.sealbuild.formats.io.Printable.of(s);
  }
}
