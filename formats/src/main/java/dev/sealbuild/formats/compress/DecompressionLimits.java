package dev.sealbuild.formats.compress;

/**
 * Bounds on what one archive may expand to. The defaults fit any real root filesystem or package while
 * stopping bombs early; tests inject smaller ones.
 */
public record DecompressionLimits(long maxDecompressedBytes, long maxRatio, long ratioCheckAfterBytes, int xzMemoryLimitKiB,
    int zstdWindowLogMax) {
  public static final DecompressionLimits DEFAULT = new DecompressionLimits(32L << 30, 250, 64L << 20, 256 * 1024, 27);
}
