package dev.sealbuild.formats.compress.write;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Deflates the blocks of one pigz-style stream with sealbuild's own {@link DeflateEncoder} (pure Java, so no byte
 * comes from the host's libz): each primed with the last 32 KiB of the previous block as its dictionary, ended by a
 * sync flush (a byte-aligned empty stored block) so the next block's bytes follow it, or by the stream's final block.
 * Encoders (under 1 MiB of tables each) are reused between blocks: at most one per thread compressing at once.
 */
final class DeflateBlock implements ParallelGzipOutputStream.BlockCompressor {
  /** Names the algorithm in the layer identity: bump it whenever the encoder's output changes for any input. */
  static final String ALGORITHM = "sealbuild-deflate/2 lazy";
  static final int DICTIONARY_SIZE = DeflateEncoder.WINDOW;

  private final ConcurrentLinkedQueue<DeflateEncoder> idle = new ConcurrentLinkedQueue<>();

  /**
   * The deflate bytes of {@code input[0, length)}; {@code dictionary} is the previous block's input (its last
   * 32 KiB are used) or null for the first block.
   */
  @Override
  public byte[] compress(byte[] dictionary, byte[] input, int length, boolean last) {
    DeflateEncoder encoder = idle.poll();
    if (encoder == null) {
      encoder = new DeflateEncoder();
    }
    try {
      return encoder.compress(dictionary, dictionary == null ? 0 : dictionary.length, input, length, last);
    } finally {
      idle.offer(encoder);
    }
  }
}
