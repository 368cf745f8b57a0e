package dev.sealbuild.formats.compress.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HuffmanLengthsTest {
  @Test
  void fibonacciCountsStayWithinFifteenBitsAndFormACompleteCode() {
    int[] freq = new int[286];
    int a = 1;
    int b = 1;
    for (int s = 0; s < 40; s++) {   // an unlimited Huffman code for these would be 39 bits deep
      freq[s] = a;
      int c = a + b;
      a = b;
      b = Math.min(c, 1 << 28);
    }
    byte[] lengths = lengths(freq, 286, 15);
    assertComplete(lengths, 15);
    for (int s = 40; s < 286; s++) {
      assertEquals(0, lengths[s], "unused symbol " + s);
    }
    assertEquals(15, max(lengths), "the limit is reached, not overshot");
  }

  @Test
  void codeLengthCodeStaysWithinSevenBits() {
    int[] freq = new int[19];
    for (int s = 0; s < 19; s++) {
      freq[s] = 1 << s;
    }
    assertComplete(lengths(freq, 19, 7), 7);
  }

  @Test
  void oneOrNoUsedSymbolStillGivesACompleteCode() {
    int[] freq = new int[30];
    byte[] none = lengths(freq, 30, 15);
    assertComplete(none, 15);
    freq[7] = 100;
    byte[] one = lengths(freq, 30, 15);
    assertComplete(one, 15);
    assertEquals(1, one[7]);
  }

  @Test
  void randomFrequenciesAreCompleteAndRarerNeverShorter() {
    Random random = new Random(1);
    for (int round = 0; round < 200; round++) {
      int[] freq = new int[286];
      for (int s = 0; s < 286; s++) {
        freq[s] = random.nextInt(4) == 0 ? 0 : 1 + (int) Math.pow(random.nextInt(1000), 1 + random.nextInt(3));
      }
      byte[] lengths = lengths(freq, 286, 15);
      assertComplete(lengths, 15);
      for (int s = 0; s < 286; s++) {
        for (int t = 0; t < 286; t++) {
          if (freq[s] > 0 && freq[t] > freq[s]) {
            assertTrue(lengths[t] <= lengths[s], "round " + round);
          }
        }
      }
    }
  }

  private static byte[] lengths(int[] freq, int n, int limit) {
    byte[] lengths = new byte[n];
    new HuffmanLengths(288).lengths(freq, n, limit, lengths);
    return lengths;
  }

  /** Kraft's sum is exactly 1: every inflater accepts the code, and no bit pattern is wasted. */
  private static void assertComplete(byte[] lengths, int limit) {
    long kraft = 0;
    for (byte l : lengths) {
      assertTrue(l >= 0 && l <= limit, "length " + l);
      if (l > 0) {
        kraft += 1L << (limit - l);
      }
    }
    assertEquals(1L << limit, kraft);
  }

  private static int max(byte[] lengths) {
    int m = 0;
    for (byte l : lengths) {
      m = Math.max(m, l);
    }
    return m;
  }
}
