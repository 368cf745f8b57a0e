package dev.sealbuild.formats.compress.write;

import java.util.Arrays;

/**
 * Length-limited Huffman code lengths, computed the same way everywhere: symbols sorted by (frequency, symbol), a
 * Huffman tree built with two queues (a leaf wins a tie against an inner node), then, if the tree is deeper than the
 * limit, the depth counts folded as in JPEG (ITU T.81 Annex K.3), and the lengths handed out again in sorted order
 * (rarest symbol, longest code). Fewer than two used symbols are padded with unused ones so every code is complete.
 * Scratch arrays are reused: not thread-safe.
 */
final class HuffmanLengths {
  private final long[] sorted;
  private final int[] weight;
  private final int[] parent;
  private final int[] count;

  HuffmanLengths(int maxSymbols) {
    sorted = new long[maxSymbols];
    weight = new int[2 * maxSymbols];
    parent = new int[2 * maxSymbols];
    count = new int[2 * maxSymbols + 1];
  }

  /** Writes into {@code lengths[0, n)} code lengths of at most {@code limit} bits for {@code frequencies[0, n)}. */
  void lengths(int[] frequencies, int n, int limit, byte[] lengths) {
    Arrays.fill(lengths, 0, n, (byte) 0);
    int m = 0;
    for (int s = 0; s < n; s++) {
      if (frequencies[s] != 0) {
        sorted[m++] = ((long) frequencies[s] << 16) | s;
      }
    }
    for (int s = 0; m < 2 && s < n; s++) {
      if (frequencies[s] == 0) {
        sorted[m++] = s;
      }
    }
    Arrays.sort(sorted, 0, m);
    for (int i = 0; i < m; i++) {
      weight[i] = (int) (sorted[i] >>> 16);
    }
    // two queues: leaves [leaf, m), inner nodes [inner, next)
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
    // depths, root first (a parent always has a higher index than its children); reuse weight[] for depth
    int root = 2 * m - 2;
    weight[root] = 0;
    Arrays.fill(count, 0, m + 1, 0);
    int deepest = 0;
    for (int node = root - 1; node >= 0; node--) {
      weight[node] = weight[parent[node]] + 1;
      if (node < m) {
        count[weight[node]]++;
        deepest = Math.max(deepest, weight[node]);
      }
    }
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
    int symbol = 0;
    for (int length = Math.min(deepest, limit); length >= 1; length--) {
      for (int k = count[length]; k > 0; k--) {
        lengths[(int) (sorted[symbol++] & 0xffff)] = (byte) length;
      }
    }
  }
}
