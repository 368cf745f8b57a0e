package dev.sealbuild.formats.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stream defined by its bulk {@link #read(byte[], int, int)} alone: the single-byte {@link #read()} goes through
 * it, so every check or count a subclass makes there sees that byte too.
 */
public abstract class BulkInputStream extends InputStream {
  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;

  @Override
  public final int read() throws IOException {
    return readOneByte(this);
  }

  /** One byte through the stream's bulk read, as {@link InputStream#read()} returns it. */
  static int readOneByte(InputStream in) throws IOException {
    byte[] one = new byte[1];
    return in.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }
}
