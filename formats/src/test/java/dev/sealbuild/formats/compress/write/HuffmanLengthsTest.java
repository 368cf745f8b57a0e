package dev.sealbuild.formats.compress.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

  /**
   * The lengths are part of every gzip layer's bytes: one reused instance must give exactly what the documented
   * order gives (frequency, then symbol), for ties, for frequencies of one to four bytes, and for each alphabet.
   */
  @Test
  void sameLengthsAsTheDocumentedOrderForTiesAndLargeFrequencies() {
    Random random = new Random(7);
    HuffmanLengths reused = new HuffmanLengths(288);
    int[][] alphabets = {{286, 15}, {30, 15}, {19, 7}, {2, 15}, {1, 15}};
    for (int round = 0; round < 3000; round++) {
      int[] alphabet = alphabets[round % alphabets.length];
      int n = alphabet[0];
      int bound = switch (round % 4) {
        case 0 -> 3;              // mostly ties
        case 1 -> 300;            // one byte
        case 2 -> 70_000;         // three bytes
        default -> 1 << 30;       // four bytes
      };
      int[] freq = new int[n];
      int used = random.nextInt(n + 1);
      for (int k = 0; k < used; k++) {
        freq[random.nextInt(n)] = 1 + random.nextInt(bound);
      }
      byte[] actual = new byte[n];
      reused.lengths(freq, n, alphabet[1], actual);
      assertArrayEquals(documentedOrder(freq, n, alphabet[1]), actual, "round " + round);
    }
  }

  /** The class comment's algorithm, written plainly: a comparator sort of (frequency, symbol) pairs. */
  private static byte[] documentedOrder(int[] freq, int n, int limit) {
    java.util.List<Integer> symbols = new java.util.ArrayList<>();
    for (int s = 0; s < n; s++) {
      if (freq[s] != 0) {
        symbols.add(s);
      }
    }
    for (int s = 0; symbols.size() < 2 && s < n; s++) {
      if (freq[s] == 0) {
        symbols.add(s);
      }
    }
    symbols.sort(java.util.Comparator.<Integer>comparingInt(s -> freq[s]).thenComparingInt(s -> s));
    int m = symbols.size();
    long[] weight = new long[2 * m];
    int[] parent = new int[2 * m];
    for (int i = 0; i < m; i++) {
      weight[i] = freq[symbols.get(i)];
    }
    int leaf = 0;
    int inner = m;
    for (int next = m; next < 2 * m - 1; next++) {
      for (int pick = 0; pick < 2; pick++) {
        int node = leaf < m && (inner == next || weight[leaf] <= weight[inner]) ? leaf++ : inner++;
        parent[node] = next;
        weight[next] += weight[node];
      }
    }
    int[] depth = new int[2 * m];
    int[] count = new int[2 * m + 1];
    int deepest = 0;
    for (int node = 2 * m - 3; node >= 0; node--) {
      depth[node] = depth[parent[node]] + 1;
      if (node < m) {
        count[depth[node]]++;
        deepest = Math.max(deepest, depth[node]);
      }
    }
    for (int d = deepest; d > limit; d--) {
      while (count[d] > 0) {
        int j = d - 2;
        while (count[j] == 0) {
          j--;
        }
        count[d] -= 2;
        count[d - 1]++;
        count[j + 1] += 2;
        count[j]--;
      }
    }
    byte[] lengths = new byte[n];
    int next = 0;
    for (int length = Math.min(deepest, limit); length >= 1; length--) {
      for (int k = count[length]; k > 0; k--) {
        lengths[symbols.get(next++)] = (byte) length;
      }
    }
    return lengths;
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
