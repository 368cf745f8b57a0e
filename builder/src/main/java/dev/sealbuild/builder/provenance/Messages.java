package dev.sealbuild.builder.provenance;

/** Keeps text from keys, envelopes and libraries fit for a one-line error message. */
final class Messages {
  private Messages() {}

  static String oneLine(String text) {
    if (text == null) {
      return "unreadable";
    }
    String line = text.replaceAll("\\p{Cntrl}+", " ").strip();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
