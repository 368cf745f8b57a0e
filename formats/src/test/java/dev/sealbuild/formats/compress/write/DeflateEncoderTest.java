package dev.sealbuild.formats.compress.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sealbuild's deflate encoder against the JDK's inflater and the real gzip and pigz. */
class DeflateEncoderTest {
  private static final int BLOCK = ParallelGzipOutputStream.DEFAULT_BLOCK_SIZE;

  @TempDir
  Path tmp;

  @Test
  void emptyAndOneByte() throws Exception {
    roundTrip(new byte[0]);
    roundTrip(new byte[] {42});
    roundTrip(new byte[] {0, 0, 0, 0});
  }

  @Test
  void allZeroTenMiBCollapses() throws Exception {
    byte[] zeros = new byte[10 * 1024 * 1024];
    byte[] gz = roundTrip(zeros);
    assertTrue(gz.length < 40_000, gz.length + " bytes");
  }

  @Test
  void randomBytesGoIntoStoredBlocks() throws Exception {
    byte[] noise = new byte[3 * BLOCK + 999];
    new Random(7).nextBytes(noise);
    byte[] gz = roundTrip(noise);
    // stored: 5 bytes per stored block and the sync markers, never the 1-2 % a Huffman-coded block would add
    assertTrue(gz.length <= noise.length + 200, gz.length + " bytes for " + noise.length);
  }

  @Test
  void textCompressesLikeZlibLevelSix() throws Exception {
    byte[] text = TestInputs.mixed(11, 5 * BLOCK + 3);
    byte[] gz = roundTrip(text);
    int reference = zlibLevelSix(text);
    assertTrue(gz.length - 18 < reference * 1.02, gz.length + " bytes, zlib " + reference);
  }

  /** The JDK's zlib only as a yardstick for the size: same ratio class. */
  private static int zlibLevelSix(byte[] input) {
    Deflater zlib = new Deflater(6, true);
    zlib.setInput(input);
    zlib.finish();
    byte[] buffer = new byte[input.length * 2 + 64];
    int size = zlib.deflate(buffer);
    zlib.end();
    return size;
  }

  @Test
  void repeatsSpanningBlockBoundariesUseTheDictionary() throws Exception {
    byte[] unit = new byte[30_000];
    new Random(3).nextBytes(unit);
    byte[] input = new byte[12 * BLOCK + 5];
    for (int i = 0; i < input.length; i++) {
      input[i] = unit[i % unit.length];
    }
    byte[] gz = roundTrip(input);
    // only the first copy of the noise costs bytes: every later one, in any block, is matches into the window
    assertTrue(gz.length < unit.length + 20_000, gz.length + " bytes");
  }

  @Test
  void textAfterALongStretchOfNoiseIsSearchedAgain() throws Exception {
    // 96 KiB of noise puts the parser in its fastest skipping; the first match in the text must end that. The text is
    // words between random bytes: every other search finds nothing, and a parser still skipping would miss words.
    byte[] noise = new byte[96 * 1024];
    new Random(31).nextBytes(noise);
    byte[] text = words(new Random(32), 64 * 1024);
    byte[] both = new byte[noise.length + text.length];
    System.arraycopy(noise, 0, both, 0, noise.length);
    System.arraycopy(text, 0, both, noise.length, text.length);
    int zlibText = zlibLevelSix(text);
    byte[] deflated = new DeflateEncoder().compress(null, 0, both, both.length, true);
    assertArrayEquals(both, inflate(null, deflated, both.length));
    assertTrue(deflated.length - noise.length < zlibText * 1.02,
        deflated.length + " bytes: noise " + noise.length + " + text, which zlib makes " + zlibText);
  }

  @Test
  void aRepeatOfNoiseIsFoundThoughItsFirstCopyWasSkippedOver() throws Exception {
    // the second copy starts 24 KiB into the noise, long after the parser stopped searching every position
    byte[] noise = new byte[24 * 1024];
    new Random(33).nextBytes(noise);
    for (int gap : new int[] {0, 1, 5, 4000}) {
      byte[] input = new byte[2 * noise.length + gap];
      new Random(34 + gap).nextBytes(input);
      System.arraycopy(noise, 0, input, 0, noise.length);
      System.arraycopy(noise, 0, input, noise.length + gap, noise.length);
      byte[] deflated = new DeflateEncoder().compress(null, 0, input, input.length, true);
      assertArrayEquals(input, inflate(null, deflated, input.length));
      assertTrue(deflated.length < noise.length + gap + 1000, "gap " + gap + ": " + deflated.length + " bytes");
    }
  }

  @Test
  void longestMatchAndFarthestDistance() throws Exception {
    // noise, then the same noise again 32768 bytes later: only matches of distance 32768 (length 258) can shrink it
    byte[] noise = new byte[32 * 1024];
    new Random(5).nextBytes(noise);
    byte[] input = new byte[2 * noise.length];
    System.arraycopy(noise, 0, input, 0, noise.length);
    System.arraycopy(noise, 0, input, noise.length, noise.length);
    byte[] deflated = new DeflateEncoder().compress(null, 0, input, input.length, true);
    assertArrayEquals(input, inflate(null, deflated, input.length));
    assertTrue(deflated.length < noise.length + 1000, deflated.length + " bytes");

    // the same through the dictionary: the block is exactly the previous block's last 32 KiB
    byte[] previous = new byte[BLOCK];
    new Random(6).nextBytes(previous);
    byte[] block = Arrays.copyOfRange(previous, BLOCK - 32 * 1024, BLOCK);
    byte[] primed = new DeflateEncoder().compress(previous, previous.length, block, block.length, false);
    assertArrayEquals(block, inflate(Arrays.copyOfRange(previous, BLOCK - 32 * 1024, BLOCK), primed, block.length));
    assertTrue(primed.length < 1000, primed.length + " bytes");
    assertArrayEquals(new byte[] {0, 0, (byte) 0xff, (byte) 0xff}, Arrays.copyOfRange(primed, primed.length - 4, primed.length),
        "a non-final block ends with a sync flush");
  }

  @Test
  void everyByteValueAndEveryLength() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int v = 0; v < 256; v++) {
      out.write(v);
    }
    for (int length = 1; length <= 300; length++) {   // runs of every match length and the lengths around 258
      for (int i = 0; i < length; i++) {
        out.write(length);
      }
      out.write(255 - (length & 0xff));
    }
    for (int v = 255; v >= 0; v--) {
      out.write(v);
    }
    roundTrip(out.toByteArray());
  }

  @Test
  void aReusedEncoderWritesWhatAFreshOneWrites() {
    // encoders are pooled per stream: nothing of an earlier block may leak into a later one's bytes
    byte[] previous = TestInputs.mixed(21, BLOCK);
    byte[] block = TestInputs.mixed(22, BLOCK);
    byte[] fresh = new DeflateEncoder().compress(previous, previous.length, block, block.length, false);
    DeflateEncoder reused = new DeflateEncoder();
    byte[] big = new byte[3 * BLOCK];
    new Random(23).nextBytes(big);
    reused.compress(null, 0, big, big.length, true);
    reused.compress(block, block.length, previous, previous.length, true);
    assertArrayEquals(fresh, reused.compress(previous, previous.length, block, block.length, false));
  }

  @Test
  void randomizedSizesAndContents() throws Exception {
    Random random = new Random(20261202);
    for (int round = 0; round < 40; round++) {
      int size = switch (round % 4) {
        case 0 -> random.nextInt(100);
        case 1 -> random.nextInt(70_000);
        case 2 -> BLOCK - 2 + random.nextInt(5);
        default -> random.nextInt(4 * BLOCK);
      };
      byte[] input = switch (round % 3) {
        case 0 -> TestInputs.mixed(round, size);
        case 1 -> smallAlphabet(random, size, 1 + random.nextInt(6));
        default -> repeatedWithEdits(random, size);
      };
      assertArrayEquals(input, gunzip(gzip(input, 1 + round % 3)), "round " + round + ", " + size + " bytes");
    }
  }

  @Test
  void realGzipAndPigzAcceptTheOutput() throws Exception {
    byte[] input = TestInputs.mixed(12, 3 * BLOCK + 77);
    for (byte[] data : new byte[][] {new byte[0], new byte[] {1}, input}) {
      Path file = tmp.resolve("layer.gz");
      Files.write(file, gzip(data, 2));
      for (String tool : new String[] {"gzip", "pigz"}) {
        Process test = new ProcessBuilder(tool, "-t", file.toString()).redirectErrorStream(true).start();
        String said = new String(test.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, test.waitFor(), tool + " -t: " + said);
        Process cat = new ProcessBuilder(tool, "-dc", file.toString()).start();
        byte[] back;
        try (InputStream in = cat.getInputStream()) {
          back = in.readAllBytes();
        }
        assertEquals(0, cat.waitFor(), tool + " -dc");
        assertArrayEquals(data, back, tool + " -dc");
      }
    }
  }

  /** Words of a small vocabulary, each followed by a random byte. */
  private static byte[] words(Random random, int size) {
    byte[][] vocabulary = new byte[300][];
    for (int i = 0; i < vocabulary.length; i++) {
      vocabulary[i] = smallAlphabet(random, 4 + random.nextInt(8), 26);
    }
    ByteArrayOutputStream text = new ByteArrayOutputStream(size + 16);
    while (text.size() < size) {
      text.writeBytes(vocabulary[random.nextInt(vocabulary.length)]);
      text.write(random.nextInt(256));
    }
    return Arrays.copyOf(text.toByteArray(), size);
  }

  private static byte[] smallAlphabet(Random random, int size, int letters) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) ('a' + random.nextInt(letters));
    }
    return b;
  }

  private static byte[] repeatedWithEdits(Random random, int size) {
    byte[] unit = new byte[1 + random.nextInt(40_000)];
    random.nextBytes(unit);
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = random.nextInt(500) == 0 ? (byte) random.nextInt() : unit[i % unit.length];
    }
    return b;
  }

  /** gzip through the layer path, then back through the JDK's reader and the real tools; returns the gzip bytes. */
  private byte[] roundTrip(byte[] input) throws Exception {
    byte[] gz = gzip(input, 2);
    assertArrayEquals(input, gunzip(gz));
    Path file = tmp.resolve("t.gz");
    Files.write(file, gz);
    for (String tool : new String[] {"gzip", "pigz"}) {
      Process test = new ProcessBuilder(tool, "-t", file.toString()).redirectErrorStream(true).start();
      String said = new String(test.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, test.waitFor(), tool + " -t: " + said);
    }
    return gz;
  }

  private static byte[] gzip(byte[] input, int threads) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = LayerCompressor.gzip(threads).open(sink)) {
      out.write(input);
    }
    return sink.toByteArray();
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  private static byte[] inflate(byte[] dictionary, byte[] deflated, int size) throws DataFormatException {
    Inflater inflater = new Inflater(true);
    try {
      if (dictionary != null) {
        inflater.setDictionary(dictionary);
      }
      inflater.setInput(deflated);
      byte[] out = new byte[size + 1];
      int n = inflater.inflate(out);
      assertEquals(0, inflater.getRemaining(), "trailing bytes");
      return Arrays.copyOf(out, n);
    } finally {
      inflater.end();
    }
  }
}
