package dev.sealbuild.builder.archive;

import dev.sealbuild.formats.io.BulkInputStream;
import dev.sealbuild.builder.fs.Content;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An append-only scratch file holding the bytes of entries read from archives, so the image tree keeps
 * only offsets and layers stream from disk instead of sitting in memory. Its name never derives from an
 * entry name.
 */
public final class ContentSpool implements Closeable {
  private final Path file;
  private final FileChannel channel;
  private long end;
  /** One copy buffer for every entry (append is synchronized): archives of many small files allocated 64 KiB each. */
  private final byte[] buf = new byte[64 * 1024];

  public ContentSpool(Path workDir) throws IOException {
    this.file = Files.createTempFile(workDir, "spool", ".bin");
    this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
  }

  /** The directory the spool file is in: scratch space of the same build, on the same file system. */
  public Path directory() {
    return file.getParent();
  }

  /** Copies exactly {@code size} bytes from {@code in}; fewer is an error (a truncated archive). */
  public synchronized Content append(InputStream in, long size, String origin) throws IOException {
    long start = end;
    java.security.MessageDigest md = sha256();
    long remaining = size;
    channel.position(start);
    while (remaining > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
      if (n < 0) {
        throw new IOException(origin + ": archive ends inside this entry (truncated)");
      }
      md.update(buf, 0, n);
      ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
      while (bb.hasRemaining()) {
        channel.write(bb);
      }
      remaining -= n;
    }
    end = start + size;
    return new Spooled(start, size, origin, dev.sealbuild.formats.digest.Sha256.of(md.digest()));
  }

  @Override
  public void close() throws IOException {
    channel.close();
    Files.deleteIfExists(file);
  }

  private static java.security.MessageDigest sha256() {
    return dev.sealbuild.formats.digest.Sha256Hasher.newMessageDigest();
  }

  private final class Spooled implements Content {
    private final long offset;
    private final long size;
    private final String origin;
    private final dev.sealbuild.formats.digest.Sha256 digest;

    Spooled(long offset, long size, String origin, dev.sealbuild.formats.digest.Sha256 digest) {
      this.offset = offset;
      this.size = size;
      this.origin = origin;
      this.digest = digest;
    }

    @Override
    public java.util.Optional<dev.sealbuild.formats.digest.Sha256> knownDigest() {
      return java.util.Optional.of(digest);
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public String origin() {
      return origin;
    }

    @Override
    public InputStream open() {
      return new BulkInputStream() {
        private long position = offset;
        private final long limit = offset + size;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (len == 0) {
            return 0;
          }
          if (position >= limit) {
            return -1;
          }
          int want = (int) Math.min(len, limit - position);
          int n;
          try {
            n = channel.read(ByteBuffer.wrap(b, off, want), position);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          if (n <= 0) {
            throw new IOException(origin + ": spool file ended early");
          }
          position += n;
          return n;
        }
      };
    }
  }
}
