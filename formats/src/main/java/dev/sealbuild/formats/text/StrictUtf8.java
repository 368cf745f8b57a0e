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
}
