package dev.sealbuild.formats.compress.write;

import com.jcraft.jzlib.Deflater;
import com.jcraft.jzlib.JZlib;
import java.io.IOException;
import java.util.Arrays;

/**
 * Deflates one block of a pigz-style stream with JZlib (pure Java, so no byte comes from the host's libz): primed
 * with the last 32 KiB of the previous block as its dictionary, ended by a sync flush (a byte-aligned empty stored
 * block) so the next block's bytes follow it, or by the stream's final block.
 *
 * <p>JZlib refuses a dictionary on a raw deflate stream, so the block is deflated inside a zlib wrapper and the
 * wrapper's header (and, on the final block, its Adler-32 trailer) is cut off: the deflate bits between them are
 * what a raw stream would hold, since zlib writes its header byte-aligned before any of them.
 */
final class DeflateBlock {
  static final int LEVEL = 6;
  static final int DICTIONARY_SIZE = 32 * 1024;
  private static final int WINDOW_BITS = 15;
  private static final int MEMORY_LEVEL = 8;

  private DeflateBlock() {}

  /**
   * The deflate bytes of {@code input[0, length)}; {@code dictionary} is the previous block's input (its last
   * 32 KiB are used) or null for the first block.
   */
  static byte[] compress(byte[] dictionary, byte[] input, int length, boolean last) throws IOException {
    Deflater z = new Deflater();
    check(z.init(LEVEL, WINDOW_BITS, MEMORY_LEVEL), z, "init");
    try {
      if (dictionary != null) {
        byte[] tail = Arrays.copyOfRange(dictionary, dictionary.length - DICTIONARY_SIZE, dictionary.length);
        check(z.setDictionary(tail, tail.length), z, "setDictionary");
      }
      z.setInput(input, 0, length, false);
      byte[] out = new byte[length + (length >> 9) + 64];
      int flush = last ? JZlib.Z_FINISH : JZlib.Z_SYNC_FLUSH;
      int used = 0;
      while (true) {
        if (used == out.length) {
          out = Arrays.copyOf(out, out.length * 2);
        }
        z.setOutput(out, used, out.length - used);
        int rc = z.deflate(flush);
        used = z.next_out_index;
        if (rc == JZlib.Z_STREAM_END) {
          break;
        }
        check(rc == JZlib.Z_BUF_ERROR ? JZlib.Z_OK : rc, z, "deflate");
        if (!last && z.avail_in == 0 && z.avail_out > 0) {
          break;
        }
      }
      int header = 2 + ((out[1] & 0x20) != 0 ? 4 : 0);
      int trailer = last ? 4 : 0;
      return Arrays.copyOfRange(out, header, used - trailer);
    } finally {
      z.end();
    }
  }

  private static void check(int rc, Deflater z, String call) throws IOException {
    if (rc != JZlib.Z_OK) {
      throw new IOException("JZlib " + call + " failed (" + rc + (z.msg == null ? "" : ": " + z.msg) + ")");
    }
  }
}
