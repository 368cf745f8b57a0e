package dev.sealbuild.formats.compress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * The decompression bounds of one archive whose members are compressed one by one (zip): each member, and all of
 * them together, are held to the same size and ratio limits as a compressed tar stream, checked while they stream.
 */
public final class MemberBounds {
  private final DecompressionLimits limits;
  private final String what;
  private long compressed;
  private long produced;

  public MemberBounds(DecompressionLimits limits, String what) {
    this.limits = limits;
    this.what = what;
  }

  public DecompressionLimits limits() {
    return limits;
  }

  /**
   * One member's decoded bytes, stopped at the limits. {@code compressedRead} tells how many compressed bytes the
   * member's decoder has consumed so far; errors name {@code member}, or the archive when the total trips.
   */
  public InputStream open(InputStream decoded, LongSupplier compressedRead, String member) {
    return new FilterInputStream(decoded) {
      private long memberProduced;
      private long memberCompressed;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          account(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          account(n);
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        return n <= 0 ? 0 : Math.max(0, read(new byte[(int) Math.min(n, 8192)]));
      }

      private void account(int n) {
        long consumed = compressedRead.getAsLong();
        compressed += consumed - memberCompressed;
        memberCompressed = consumed;
        memberProduced += n;
        produced += n;
        limits.check(memberProduced, memberCompressed, member);
        limits.check(produced, compressed, what);
      }
    };
  }
}
