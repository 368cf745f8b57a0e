package dev.sealbuild.formats.compress.write;

import java.util.Arrays;

/**
 * Length-limited Huffman code lengths, computed the same way everywhere: symbols sorted by (frequency, symbol), a
 * Huffman tree built with two queues (a leaf wins a tie against an inner node), then, if the tree is deeper than the
 * limit, the depth counts folded as in JPEG (ITU T.81 Annex K.3), and the lengths handed out again in sorted order
 * (rarest symbol, longest code). Fewer than two used symbols are padded with unused ones so every code is complete.
 * Scratch arrays are reused: not thread-safe.
 *
 * <p>The sort is a stable radix sort on the frequency of symbols listed in symbol order, one pass per byte the
 * largest frequency needs: the same order as comparing (frequency, symbol), and small methods with one loop each. A
 * general-purpose sort here made this the costliest method the JIT compiled in a cold {@code build image}
 * (0.3 CPU-seconds of C2 for an alphabet of at most 288 symbols).
 */
final class HuffmanLengths {
  private static final int RADIX_BITS = 8;
  private static final int RADIX = 1 << RADIX_BITS;

  /** Symbols in (frequency, symbol) order, and the other half of the radix sort's double buffer. */
  private int[] order;
  private int[] spare;
  private final int[] weight;
  private final int[] parent;
  private final int[] count;
  private final int[] bucket = new int[RADIX + 1];

  HuffmanLengths(int maxSymbols) {
    order = new int[maxSymbols];
    spare = new int[maxSymbols];
    weight = new int[2 * maxSymbols];
    parent = new int[2 * maxSymbols];
    count = new int[2 * maxSymbols + 1];
  }

  /** Writes into {@code lengths[0, n)} code lengths of at most {@code limit} bits for {@code frequencies[0, n)}. */
  void lengths(int[] frequencies, int n, int limit, byte[] lengths) {
    Arrays.fill(lengths, 0, n, (byte) 0);
    int m = sortByFrequency(frequencies, n);
    for (int i = 0; i < m; i++) {
      weight[i] = frequencies[order[i]];
    }
    buildTree(m);
    int deepest = leafDepths(m);
    foldDeeperThan(limit, deepest);
    assign(Math.min(deepest, limit), lengths);
  }

  /**
   * Puts the used symbols (padded to two with the first unused ones, which sort first) into {@code order[0, m)} by
   * (frequency, symbol); returns m.
   */
  private int sortByFrequency(int[] frequencies, int n) {
    int m = 0;
    int largest = 0;
    for (int s = 0; s < n; s++) {
      if (frequencies[s] != 0) {
        order[m++] = s;
        largest = Math.max(largest, frequencies[s]);
      }
    }
    for (int s = 0; m < 2 && s < n; s++) {
      if (frequencies[s] == 0) {
        order[m++] = s;
      }
    }
    for (int shift = 0; shift < Integer.SIZE && (largest >>> shift) != 0; shift += RADIX_BITS) {
      radixPass(frequencies, m, shift);
    }
    return m;
  }

  /** One stable counting-sort pass of {@code order[0, m)} on the frequency's byte at {@code shift}. */
  private void radixPass(int[] frequencies, int m, int shift) {
    Arrays.fill(bucket, 0);
    for (int i = 0; i < m; i++) {
      bucket[((frequencies[order[i]] >>> shift) & (RADIX - 1)) + 1]++;
    }
    for (int b = 1; b <= RADIX; b++) {
      bucket[b] += bucket[b - 1];
    }
    for (int i = 0; i < m; i++) {
      int symbol = order[i];
      spare[bucket[(frequencies[symbol] >>> shift) & (RADIX - 1)]++] = symbol;
    }
    int[] sorted = spare;
    spare = order;
    order = sorted;
  }

  /** Two queues: leaves {@code [leaf, m)} in weight order, inner nodes {@code [inner, next)} made in weight order. */
  private void buildTree(int m) {
    int leaf = 0;
    int inner = m;
    for (int next = m; next < 2 * m - 1; next++) {
      int total = 0;
      for (int pick = 0; pick < 2; pick++) {
        int node;
        if (leaf < m && (inner == next || weight[leaf] <= weight[inner])) {
          node = leaf++;
        } else {
          node = inner++;
        }
        parent[node] = next;
        total += weight[node];
      }
      weight[next] = total;
    }
  }

  /**
   * Depths, root first (a parent always has a higher index than its children), reusing {@code weight[]} for them;
   * counts the leaves at each depth into {@code count[]} and returns the deepest.
   */
  private int leafDepths(int m) {
    int root = 2 * m - 2;
    if (root >= 0) {
      weight[root] = 0;
    }
    Arrays.fill(count, 0, m + 1, 0);
    int deepest = 0;
    for (int node = root - 1; node >= 0; node--) {
      weight[node] = weight[parent[node]] + 1;
      if (node < m) {
        count[weight[node]]++;
        deepest = Math.max(deepest, weight[node]);
      }
    }
    return deepest;
  }

  /** Moves leaves deeper than {@code limit} up, two at a time, as JPEG's Annex K.3 does. */
  private void foldDeeperThan(int limit, int deepest) {
    for (int depth = deepest; depth > limit; depth--) {
      while (count[depth] > 0) {
        int j = depth - 2;
        while (count[j] == 0) {
          j--;
        }
        count[depth] -= 2;
        count[depth - 1] += 1;
        count[j + 1] += 2;
        count[j] -= 1;
      }
    }
  }

  /** Longest codes to the rarest symbols: {@code count[length]} symbols each, in sorted order. */
  private void assign(int longest, byte[] lengths) {
    int next = 0;
    for (int length = longest; length >= 1; length--) {
      for (int k = count[length]; k > 0; k--) {
        lengths[order[next++]] = (byte) length;
      }
    }
  }
}
