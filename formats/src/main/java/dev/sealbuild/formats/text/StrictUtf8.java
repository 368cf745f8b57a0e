package dev.sealbuild.formats.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 that refuses malformed input instead of replacing it: signed or hashed text must read as it was written. */
public final class StrictUtf8 {
  private StrictUtf8() {}

  /** A fresh decoder that reports malformed and unmappable input. */
  public static CharsetDecoder decoder() {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /** The text of the bytes; each caller turns the failure into its own error. */
  public static String decode(byte[] bytes) throws CharacterCodingException {
    return decoder().decode(ByteBuffer.wrap(bytes)).toString();
  }

  /**
   * The length in UTF-16 characters of bytes {@code [from, to)} read as UTF-8, or -1 when they are not UTF-8 as
   * {@link #decoder()} accepts it (no overlong forms, no surrogates, nothing above U+10FFFF, no cut sequence). For
   * readers that check large ASCII-mostly text without decoding all of it.
   */
  public static int chars(byte[] bytes, int from, int to) {
    int chars = 0;
    int k = from;
    while (k < to) {
      int c = bytes[k];
      if (c >= 0) {
        k++;
        chars++;
        continue;
      }
      c &= 0xff;
      int more;
      if (c >= 0xC2 && c <= 0xDF) {
        more = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        more = 2;
      } else if (c >= 0xF0 && c <= 0xF4) {
        more = 3;
      } else {
        return -1;
      }
      if (to - k <= more) {
        return -1;
      }
      int codePoint = c & (0x3F >> more);
      for (int j = 1; j <= more; j++) {
        int next = bytes[k + j] & 0xff;
        if ((next & 0xC0) != 0x80) {
          return -1;
        }
        codePoint = (codePoint << 6) | (next & 0x3F);
      }
      if (more == 2 && (codePoint < 0x800 || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
          || more == 3 && (codePoint < 0x10000 || codePoint > 0x10FFFF)) {
        return -1;
      }
      chars += more == 3 ? 2 : 1;
      k += more + 1;
    }
    return chars;
  }
}
