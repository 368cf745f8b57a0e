package dev.sealbuild.formats.compress.write;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * sealbuild's own deflate encoder (RFC 1951) for one block of a pigz-style stream: the input, primed with up to
 * 32 KiB of dictionary, becomes raw deflate bits ending byte-aligned, either with a sync-flush marker (an empty
 * stored block) or as the stream's final block. Pure Java and fully specified here, so the bytes are the same on
 * every host and JDK.
 *
 * <p>Design (after libdeflate's lazy matcher and zlib's level 6): hash chains over 4-byte sequences plus a one-entry
 * table of 3-byte sequences, bounded search depth, one step of lazy evaluation, searches thinned out in long
 * stretches without matches; the sequences are cut into deflate blocks of at most {@link #BLOCK_SYMBOLS} symbols,
 * each written as whichever of dynamic Huffman, fixed Huffman or stored is smallest. Huffman codes are limited to 15
 * bits (7 for the code-length code) by a fixed algorithm with a fixed tie-break. Not thread-safe: one instance per
 * thread, reused across blocks.
 */
final class DeflateEncoder {
  static final int WINDOW = 32 * 1024;
  /** Symbols per deflate block: like zlib's default, small enough for the codes to follow the data. */
  static final int BLOCK_SYMBOLS = 16 * 1024;
  private static final int MIN_MATCH = 3;
  private static final int MAX_MATCH = 258;
  /** A 3-byte match farther than this costs more than its literals (zlib's TOO_FAR heuristic). */
  private static final int MAX_DISTANCE_3 = 4096;
  private static final int MAX_DEPTH = 32;
  private static final int NICE_LENGTH = 96;
  /** Once a match is this long, the lazy step searches a quarter as deep (zlib's good_length). */
  private static final int GOOD_LENGTH = 8;
  private static final int HASH4_BITS = 15;
  private static final int HASH3_BITS = 14;
  private static final int PADDING = 16;
  private static final int NONE = Integer.MIN_VALUE / 2;
  /**
   * Incompressible data (compressed files, jars, media) finds no match at position after position: after this many
   * fruitless searches in a row, the parser steps over unsearched bytes (as lz4's and zstd's fast levels do, but
   * still inserting them in the hash chains). Random data compresses twice as fast, jars 1.3x; the cost is 0.05 % on
   * jars and nothing measurable on a Debian root file system.
   */
  private static final int SKIP_AFTER = 256;
  private static final int MAX_SKIP = 8;

  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  static final int[] LENGTH_SYMBOL = new int[256];
  static final int[] LENGTH_EXTRA = new int[256];
  static final int[] LENGTH_BASE = new int[256];
  private static final int[] CODE_LENGTH_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
  private static final byte[] FIXED_LITLEN_LENGTHS = new byte[288];
  private static final byte[] FIXED_DIST_LENGTHS = new byte[30];
  private static final int[] FIXED_LITLEN_CODES = new int[288];
  private static final int[] FIXED_DIST_CODES = new int[30];

  static {
    for (int l = 0; l < 256; l++) {
      if (l == 255) {
        LENGTH_SYMBOL[l] = 285;
        LENGTH_BASE[l] = l;
      } else if (l < 8) {
        LENGTH_SYMBOL[l] = 257 + l;
        LENGTH_BASE[l] = l;
      } else {
        int b = 31 - Integer.numberOfLeadingZeros(l);
        int top = (l >>> (b - 2)) & 3;
        LENGTH_SYMBOL[l] = 257 + 4 * (b - 1) + top;
        LENGTH_EXTRA[l] = b - 2;
        LENGTH_BASE[l] = (4 + top) << (b - 2);
      }
    }
    Arrays.fill(FIXED_LITLEN_LENGTHS, 0, 144, (byte) 8);
    Arrays.fill(FIXED_LITLEN_LENGTHS, 144, 256, (byte) 9);
    Arrays.fill(FIXED_LITLEN_LENGTHS, 256, 280, (byte) 7);
    Arrays.fill(FIXED_LITLEN_LENGTHS, 280, 288, (byte) 8);
    Arrays.fill(FIXED_DIST_LENGTHS, (byte) 5);
    canonicalCodes(FIXED_LITLEN_LENGTHS, 288, FIXED_LITLEN_CODES);
    canonicalCodes(FIXED_DIST_LENGTHS, 30, FIXED_DIST_CODES);
  }

  // input: dictionary then block, then PADDING zero bytes so 8-byte reads never run off the end
  private byte[] window = new byte[0];
  /** Distance from position p to the previous one with the same hash at [p & 0xffff], 0 if none within the window. */
  private final char[] prev = new char[1 << 16];
  private final int[] head4 = new int[1 << HASH4_BITS];
  private final int[] head3 = new int[1 << HASH3_BITS];
  private int matchDistance;

  // the current deflate block's sequences: literal (distance 0) or match
  private final int[] seqLength = new int[BLOCK_SYMBOLS];
  private final int[] seqDistance = new int[BLOCK_SYMBOLS];
  private int seqCount;
  private int blockStart;
  private final int[] litlenFreq = new int[286];
  private final int[] distFreq = new int[30];

  // Huffman scratch
  private final byte[] litlenLengths = new byte[288];
  private final byte[] distLengths = new byte[30];
  private final int[] litlenCodes = new int[288];
  private final int[] distCodes = new int[30];
  private final byte[] codeLengthLengths = new byte[19];
  private final int[] codeLengthCodes = new int[19];
  private final int[] codeLengthFreq = new int[19];
  private final int[] runSymbols = new int[286 + 30];
  private final int[] runExtra = new int[286 + 30];
  private final byte[] allLengths = new byte[286 + 30];
  private final HuffmanLengths huffman = new HuffmanLengths(288);

  // output
  private byte[] out = new byte[1 << 16];
  private int outLength;
  private long bits;
  private int bitCount;

  /**
   * The deflate bytes of {@code input[0, length)}, primed with {@code dictionary[dictionaryEnd - n, dictionaryEnd)}
   * where n is at most 32 KiB (none if {@code dictionary} is null).
   */
  byte[] compress(byte[] dictionary, int dictionaryEnd, byte[] input, int length, boolean last) {
    int dictLength = dictionary == null ? 0 : Math.min(WINDOW, dictionaryEnd);
    int end = dictLength + length;
    if (window.length < end + PADDING) {
      window = new byte[end + PADDING];
    }
    if (dictLength > 0) {
      System.arraycopy(dictionary, dictionaryEnd - dictLength, window, 0, dictLength);
    }
    System.arraycopy(input, 0, window, dictLength, length);
    Arrays.fill(window, end, end + PADDING, (byte) 0);
    Arrays.fill(head4, NONE);
    Arrays.fill(head3, NONE);
    outLength = 0;
    bits = 0;
    bitCount = 0;
    for (int p = 0; p < dictLength; p++) {
      insert(p, end);
    }
    parse(dictLength, end, last);
    ensure(16);
    if (!last) {
      putBits(0, 3); // empty stored block, not final: the sync-flush marker
      alignToByte();
      out[outLength++] = 0;
      out[outLength++] = 0;
      out[outLength++] = (byte) 0xff;
      out[outLength++] = (byte) 0xff;
    } else {
      alignToByte();
    }
    return Arrays.copyOf(out, outLength);
  }

  private void insert(int p, int end) {
    if (p + 4 > end) {
      return;
    }
    int seq = (int) INT.get(window, p);
    int h4 = hash4(seq);
    prev[p & 0xffff] = link(p, head4[h4]);
    head4[h4] = p;
    head3[hash3(seq)] = p;
  }

  private static char link(int p, int previous) {
    int distance = p - previous;
    return distance <= WINDOW ? (char) distance : 0;
  }

  /** The previous position in the chain, or a position no search accepts (at or below itself) at its end. */
  private static int next(int candidate, char[] chain) {
    int distance = chain[candidate & 0xffff];
    return distance == 0 ? NONE : candidate - distance;
  }

  private static int hash4(int seq) {
    return (seq * 0x1E35A7BD) >>> (32 - HASH4_BITS);
  }

  private static int hash3(int seq) {
    return ((seq & 0xFFFFFF) * 0x1E35A7BD) >>> (32 - HASH3_BITS);
  }

  private void parse(int start, int end, boolean last) {
    blockStart = start;
    seqCount = 0;
    Arrays.fill(litlenFreq, 0);
    Arrays.fill(distFreq, 0);
    int p = start;
    int misses = 0;
    while (p < end) {
      int length = longestMatch(p, end, MIN_MATCH - 1);
      if (length < MIN_MATCH) {
        literal(p);
        p++;
        // after SKIP_AFTER fruitless searches in a row, bytes go out as literals unsearched, more of them the longer
        // the drought lasts (up to MAX_SKIP after each search); the first match ends it. They are still inserted, so
        // a repeat of them later in the window is found.
        int skip = Math.min(++misses / SKIP_AFTER, MAX_SKIP);
        for (int stop = Math.min(end, p + skip); p < stop; p++) {
          insert(p, end);
          literal(p);
        }
        continue;
      }
      misses = 0;
      int distance = matchDistance;
      while (length < NICE_LENGTH && p + 1 < end) {
        int next = longestMatch(p + 1, end, length);
        if (next <= length) {
          break;
        }
        int nextDistance = matchDistance;
        // a longer match one byte later wins unless it is only one byte longer and much farther away
        if (4 * (next - length) + (log2(distance) - log2(nextDistance)) <= 2) {
          break;
        }
        literal(p);
        p++;
        length = next;
        distance = nextDistance;
      }
      match(length, distance, p);
      int stop = p + length;
      if (length >= NICE_LENGTH) {
        insert(p + 1, end); // not searched by the lazy step, so not in the chains yet
      }
      for (int q = p + 2; q < stop; q++) {
        insert(q, end);
      }
      p = stop;
    }
    flushBlock(end, last);
  }

  private static int log2(int v) {
    return 31 - Integer.numberOfLeadingZeros(v);
  }

  /** Inserts {@code p} and returns the longest match there longer than {@code best} (distance in matchDistance). */
  private int longestMatch(int p, int end, int best) {
    if (p + 4 > end) {
      return 0;
    }
    byte[] w = window;
    int seq = (int) INT.get(w, p);
    int h3 = hash3(seq);
    int c3 = head3[h3];
    head3[h3] = p;
    int h4 = hash4(seq);
    int candidate = head4[h4];
    head4[h4] = p;
    char[] chain = prev;
    chain[p & 0xffff] = link(p, candidate);
    int limit = p - WINDOW;
    int max = Math.min(MAX_MATCH, end - p);
    int bestLength = best;
    if (bestLength < MIN_MATCH && c3 >= p - MAX_DISTANCE_3 && c3 >= 0
        && ((((int) INT.get(w, c3)) ^ seq) & 0xFFFFFF) == 0) {
      bestLength = MIN_MATCH;
      matchDistance = p - c3;
    }
    if (bestLength >= max) {
      return best < bestLength ? bestLength : 0;
    }
    for (int depth = best >= GOOD_LENGTH ? MAX_DEPTH >> 2 : MAX_DEPTH; candidate >= limit && candidate >= 0 && depth > 0; depth--, candidate = next(candidate, chain)) {
      if (w[candidate + bestLength] != w[p + bestLength] || (int) INT.get(w, candidate) != seq) {
        continue;
      }
      int length = 4;
      while (length < max) {
        long x = (long) LONG.get(w, candidate + length) ^ (long) LONG.get(w, p + length);
        if (x != 0) {
          length += Long.numberOfTrailingZeros(x) >>> 3;
          break;
        }
        length += 8;
      }
      if (length > max) {
        length = max;
      }
      if (length > bestLength) {
        bestLength = length;
        matchDistance = p - candidate;
        if (length >= NICE_LENGTH || length >= max) {
          break;
        }
      }
    }
    return bestLength > best ? bestLength : 0;
  }

  private void literal(int p) {
    int b = window[p] & 0xff;
    seqLength[seqCount] = b;
    seqDistance[seqCount] = 0;
    litlenFreq[b]++;
    if (++seqCount == BLOCK_SYMBOLS) {
      flushBlock(p + 1, false);
    }
  }

  private void match(int length, int distance, int p) {
    seqLength[seqCount] = length;
    seqDistance[seqCount] = distance;
    litlenFreq[LENGTH_SYMBOL[length - MIN_MATCH]]++;
    distFreq[distanceSymbol(distance)]++;
    if (++seqCount == BLOCK_SYMBOLS) {
      flushBlock(p + length, false);
    }
  }

  static int distanceSymbol(int distance) {
    int d = distance - 1;
    if (d < 4) {
      return d;
    }
    int b = 31 - Integer.numberOfLeadingZeros(d);
    return (b << 1) | ((d >>> (b - 1)) & 1);
  }

  /**
   * Writes the sequences gathered so far as one deflate block covering window[blockStart, blockEnd). Runs once per
   * block: every loop is in a method of its own, so the JIT compiles those small methods and leaves this one alone
   * (compiled whole, with its callees inlined, it cost C2 more time than all the rest of the encoder).
   */
  private void flushBlock(int blockEnd, boolean isFinal) {
    if (seqCount == 0 && !isFinal) {
      return;
    }
    litlenFreq[256]++;
    huffman.lengths(litlenFreq, 286, 15, litlenLengths);
    huffman.lengths(distFreq, 30, 15, distLengths);
    canonicalCodes(litlenLengths, 286, litlenCodes);
    canonicalCodes(distLengths, 30, distCodes);
    int hlit = usedLength(litlenLengths, 286, 257);
    int hdist = usedLength(distLengths, 30, 1);
    System.arraycopy(litlenLengths, 0, allLengths, 0, hlit);
    System.arraycopy(distLengths, 0, allLengths, hlit, hdist);
    int runs = runLengthEncode(allLengths, hlit + hdist);
    huffman.lengths(codeLengthFreq, 19, 7, codeLengthLengths);
    canonicalCodes(codeLengthLengths, 19, codeLengthCodes);
    int hclen = codeLengthCodeCount();

    long extraBits = extraBits();
    long dynamicBits = 3 + 5 + 5 + 4 + 3L * hclen + extraBits + codeLengthBits()
        + codedBits(litlenLengths, distLengths);
    long fixedBits = 3 + extraBits + codedBits(FIXED_LITLEN_LENGTHS, FIXED_DIST_LENGTHS);
    int rawLength = blockEnd - blockStart;
    int storedChunks = Math.max(1, (rawLength + 65534) / 65535);
    long storedBits = (long) storedChunks * (3 + 7 + 32) + 8L * rawLength;

    ensure(rawLength + 5 * storedChunks + 1024);
    if (storedBits < dynamicBits && storedBits < fixedBits) {
      writeStored(blockStart, rawLength, isFinal);
    } else {
      boolean fixed = fixedBits <= dynamicBits;
      putBits(isFinal ? 1 : 0, 1);
      putBits(fixed ? 1 : 2, 2);
      if (fixed) {
        writeSequences(FIXED_LITLEN_CODES, FIXED_LITLEN_LENGTHS, FIXED_DIST_CODES, FIXED_DIST_LENGTHS);
      } else {
        writeDynamicHeader(hlit, hdist, hclen, runs);
        writeSequences(litlenCodes, litlenLengths, distCodes, distLengths);
      }
    }
    blockStart = blockEnd;
    seqCount = 0;
    Arrays.fill(litlenFreq, 0);
    Arrays.fill(distFreq, 0);
  }

  /** The number of leading lengths up to the last non-zero one, at least {@code min}. */
  private static int usedLength(byte[] lengths, int n, int min) {
    while (n > min && lengths[n - 1] == 0) {
      n--;
    }
    return n;
  }

  private int codeLengthCodeCount() {
    int hclen = 19;
    while (hclen > 4 && codeLengthLengths[CODE_LENGTH_ORDER[hclen - 1]] == 0) {
      hclen--;
    }
    return hclen;
  }

  /** The extra bits of the block's lengths and distances, the same under every code. */
  private long extraBits() {
    long extraBits = 0;
    for (int s = 257; s < 286; s++) {
      extraBits += (long) litlenFreq[s] * lengthExtraOfSymbol(s);
    }
    for (int s = 4; s < 30; s++) {
      extraBits += (long) distFreq[s] * ((s >>> 1) - 1);
    }
    return extraBits;
  }

  /** The code-length code's share of a dynamic header: the coded lengths and their repeat counts. */
  private long codeLengthBits() {
    long bits = 0;
    for (int s = 0; s < 19; s++) {
      bits += (long) codeLengthFreq[s] * (codeLengthLengths[s] + (s == 16 ? 2 : s == 17 ? 3 : s == 18 ? 7 : 0));
    }
    return bits;
  }

  /** The block's symbols coded with these lengths, without extra bits. */
  private long codedBits(byte[] litlen, byte[] dist) {
    long bits = 0;
    for (int s = 0; s < 286; s++) {
      bits += (long) litlenFreq[s] * litlen[s];
    }
    for (int s = 0; s < 30; s++) {
      bits += (long) distFreq[s] * dist[s];
    }
    return bits;
  }

  private void writeDynamicHeader(int hlit, int hdist, int hclen, int runs) {
    putBits(hlit - 257, 5);
    putBits(hdist - 1, 5);
    putBits(hclen - 4, 4);
    for (int i = 0; i < hclen; i++) {
      putBits(codeLengthLengths[CODE_LENGTH_ORDER[i]], 3);
    }
    for (int i = 0; i < runs; i++) {
      int s = runSymbols[i];
      putBits(codeLengthCodes[s], codeLengthLengths[s]);
      if (s >= 16) {
        putBits(runExtra[i], s == 16 ? 2 : s == 17 ? 3 : 7);
      }
    }
  }

  private static int lengthExtraOfSymbol(int s) {
    return s < 265 || s == 285 ? 0 : (s - 261) >>> 2;
  }

  /** Run-length codes for the code lengths (symbols 0-18 with their extra bits); fills codeLengthFreq. */
  private int runLengthEncode(byte[] lengths, int n) {
    Arrays.fill(codeLengthFreq, 0);
    int runs = 0;
    int i = 0;
    while (i < n) {
      int value = lengths[i];
      int run = 1;
      while (i + run < n && lengths[i + run] == value) {
        run++;
      }
      i += run;
      if (value == 0) {
        while (run >= 11) {
          int r = Math.min(run, 138);
          runSymbols[runs] = 18;
          runExtra[runs++] = r - 11;
          run -= r;
        }
        if (run >= 3) {
          runSymbols[runs] = 17;
          runExtra[runs++] = run - 3;
          run = 0;
        }
      } else {
        runSymbols[runs++] = value;
        run--;
        while (run >= 3) {
          int r = Math.min(run, 6);
          runSymbols[runs] = 16;
          runExtra[runs++] = r - 3;
          run -= r;
        }
      }
      while (run-- > 0) {
        runSymbols[runs++] = value;
      }
    }
    for (int r = 0; r < runs; r++) {
      codeLengthFreq[runSymbols[r]]++;
    }
    return runs;
  }

  private void writeSequences(int[] lcodes, byte[] llengths, int[] dcodes, byte[] dlengths) {
    int[] lens = seqLength;
    int[] dists = seqDistance;
    for (int i = 0, n = seqCount; i < n; i++) {
      int d = dists[i];
      if (d == 0) {
        int b = lens[i];
        putBits(lcodes[b], llengths[b]);
      } else {
        int l = lens[i] - MIN_MATCH;
        int ls = LENGTH_SYMBOL[l];
        int extra = LENGTH_EXTRA[l];
        putBits(lcodes[ls] | ((l - LENGTH_BASE[l]) << llengths[ls]), llengths[ls] + extra);
        int ds = distanceSymbol(d);
        int dl = dlengths[ds];
        if (ds < 4) {
          putBits(dcodes[ds], dl);
        } else {
          int dbits = (ds >>> 1) - 1;
          int base = (2 | (ds & 1)) << dbits;
          putBits(dcodes[ds] | ((d - 1 - base) << dl), dl + dbits);
        }
      }
    }
    putBits(lcodes[256], llengths[256]);
  }

  private void writeStored(int from, int length, boolean isFinal) {
    do {
      int n = Math.min(length, 65535);
      length -= n;
      putBits(isFinal && length == 0 ? 1 : 0, 3);
      alignToByte();
      out[outLength++] = (byte) n;
      out[outLength++] = (byte) (n >>> 8);
      out[outLength++] = (byte) ~n;
      out[outLength++] = (byte) (~n >>> 8);
      System.arraycopy(window, from, out, outLength, n);
      outLength += n;
      from += n;
    } while (length > 0);
  }

  private void putBits(int value, int count) {
    bits |= (value & 0xffffffffL) << bitCount;
    bitCount += count;
    if (bitCount >= 32) {
      INT.set(out, outLength, (int) bits);
      outLength += 4;
      bits >>>= 32;
      bitCount -= 32;
    }
  }

  private void alignToByte() {
    while (bitCount > 0) {
      out[outLength++] = (byte) bits;
      bits >>>= 8;
      bitCount = Math.max(0, bitCount - 8);
    }
    bits = 0;
  }

  /** Room for {@code more} bytes plus the bit buffer's 4-byte writes. */
  private void ensure(int more) {
    int need = outLength + more + 16;
    if (need > out.length) {
      out = Arrays.copyOf(out, Math.max(need, out.length * 2));
    }
  }

  /** Canonical codes (RFC 1951 3.2.2), bit-reversed for LSB-first output. */
  static void canonicalCodes(byte[] lengths, int n, int[] codes) {
    int[] count = new int[16];
    for (int i = 0; i < n; i++) {
      count[lengths[i]]++;
    }
    count[0] = 0;
    int[] next = new int[16];
    int code = 0;
    for (int b = 1; b < 16; b++) {
      code = (code + count[b - 1]) << 1;
      next[b] = code;
    }
    for (int i = 0; i < n; i++) {
      int len = lengths[i];
      codes[i] = len == 0 ? 0 : Integer.reverse(next[len]++) >>> (32 - len);
    }
  }
}
