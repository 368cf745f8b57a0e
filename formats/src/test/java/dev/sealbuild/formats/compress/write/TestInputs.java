package dev.sealbuild.formats.compress.write;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Fixed inputs for golden digests: java.util.Random is specified bit for bit, so these bytes never change. */
final class TestInputs {
  private TestInputs() {}

  static final byte[] EMPTY = new byte[0];
  /** Text and noise, smaller than one block. */
  static final byte[] SMALL = mixed(1, 10_000);
  /** Text, noise and runs over many blocks, not a multiple of the block size. */
  static final byte[] LARGE = mixed(2, 3 * 1024 * 1024 + 12_345);

  static byte[] mixed(long seed, int size) {
    Random random = new Random(seed);
    String[] words = {"usr", "lib", "python3", "import", "def ", "return", "\n", "    ", "self.", "=", "(", ")", ":",
        "# comment", "0x1f8b", "layer", "tar", "gzip"};
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + 4096);
    while (out.size() < size) {
      int kind = random.nextInt(10);
      if (kind < 6) {
        for (int i = random.nextInt(200); i >= 0; i--) {
          out.writeBytes(words[random.nextInt(words.length)].getBytes(StandardCharsets.US_ASCII));
        }
      } else if (kind < 9) {
        byte[] noise = new byte[random.nextInt(3000)];
        random.nextBytes(noise);
        out.writeBytes(noise);
      } else {
        byte[] run = new byte[random.nextInt(5000)];
        java.util.Arrays.fill(run, (byte) random.nextInt(256));
        out.writeBytes(run);
      }
    }
    return java.util.Arrays.copyOf(out.toByteArray(), size);
  }
}
