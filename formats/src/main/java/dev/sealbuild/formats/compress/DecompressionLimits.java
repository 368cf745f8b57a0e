package dev.sealbuild.formats.compress;

import dev.sealbuild.formats.HostileInputException;

/**
 * Bounds on what one archive may expand to. The defaults fit any real root filesystem or package while
 * stopping bombs early; tests inject smaller ones.
 */
public record DecompressionLimits(long maxDecompressedBytes, long maxRatio, long ratioCheckAfterBytes, int xzMemoryLimitKiB,
    int zstdWindowLogMax) {
  public static final DecompressionLimits DEFAULT = new DecompressionLimits(32L << 30, 250, 64L << 20, 256 * 1024, 27);

  /**
   * Refuses {@code what} once it has produced more than the size limit, or, past the ratio floor, more than the ratio
   * allows for the {@code compressed} bytes read so far.
   */
  public void check(long produced, long compressed, String what) {
    if (produced > maxDecompressedBytes) {
      throw new HostileInputException(what + ": decompresses to more than " + maxDecompressedBytes + " bytes; refusing (possible decompression bomb)");
    }
    if (produced > ratioCheckAfterBytes && produced / maxRatio > compressed) {
      throw new HostileInputException(what + ": compression ratio above " + maxRatio + ":1; refusing (possible decompression bomb)");
    }
  }
}
