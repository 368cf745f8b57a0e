package dev.sealbuild.formats.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link StrictUtf8#chars} accepts exactly what the JDK's strict decoder accepts, and counts what it decodes. */
class StrictUtf8Test {

  private static int byDecoder(byte[] bytes) {
    try {
      return StrictUtf8.decode(bytes).length();
    } catch (CharacterCodingException e) {
      return -1;
    }
  }

  @Test
  void agreesWithTheDecoderOnEdgeCases() {
    String[] hex = {"", "41", "c280", "c1bf", "c0af", "e0a080", "e09fbf", "eda080", "edbfbf", "ee8080", "f0908080",
        "f08fbfbf", "f48fbfbf", "f4908080", "f5808080", "ff", "80", "c2", "e282", "f09f98", "f09f9880", "e282ac41",
        "41c3", "efbbbf"};
    for (String h : hex) {
      byte[] bytes = java.util.HexFormat.of().parseHex(h);
      assertEquals(byDecoder(bytes), StrictUtf8.chars(bytes, 0, bytes.length), h);
    }
  }

  @Test
  void agreesWithTheDecoderOnRandomBytes() {
    Random random = new Random(42);
    byte[] leads = {(byte) 0x41, (byte) 0xc2, (byte) 0xdf, (byte) 0xe0, (byte) 0xed, (byte) 0xef, (byte) 0xf0,
        (byte) 0xf4, (byte) 0x80, (byte) 0xbf, (byte) 0xa0, (byte) 0x9f, (byte) 0x90, (byte) 0x8f};
    for (int round = 0; round < 200_000; round++) {
      byte[] bytes = new byte[1 + random.nextInt(6)];
      for (int k = 0; k < bytes.length; k++) {
        bytes[k] = random.nextBoolean() ? leads[random.nextInt(leads.length)] : (byte) random.nextInt(256);
      }
      assertEquals(byDecoder(bytes), StrictUtf8.chars(bytes, 0, bytes.length),
          () -> java.util.HexFormat.of().formatHex(bytes));
    }
  }

  @Test
  void countsUtf16CharactersOfARange() {
    byte[] bytes = "x\u00e9\u20ac\uD83D\uDE00y".getBytes(StandardCharsets.UTF_8);
    assertEquals(6, StrictUtf8.chars(bytes, 0, bytes.length));
    assertEquals(2, StrictUtf8.chars(bytes, 1, 6)); // é and €, without the x
    assertEquals(-1, StrictUtf8.chars(bytes, 0, 2)); // é cut in half
  }
}
