package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.cache.CacheWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Verified index files kept as ordinary blobs of the vendor cache ({@code blobs/sha256/<hex>}): they are verified
 * content named by their sha256 like every other blob, so {@code build cache verify} checks them too. The packages
 * parsed from each are kept beside, in {@code indexes/}, with a digest of their own; a damaged one is parsed again.
 */
public final class VendorIndexCache implements IndexCache {
  private final CacheWriter cache;
  /** Parsed forms being written; used by the caller's thread only. */
  private final List<FutureTask<Void>> pendingWrites = new ArrayList<>();

  public VendorIndexCache(CacheWriter cache) {
    this.cache = Objects.requireNonNull(cache, "cache");
  }

  @Override
  public Optional<Path> find(Sha256 digest) {
    return cache.contains(digest) ? Optional.of(cache.layout().blob(digest)) : Optional.empty();
  }

  @Override
  public <T> T storeWhileReading(InputStream raw, Sha256 digest, long size, String source, StreamReader<T> reader)
      throws IOException {
    List<T> made = new ArrayList<>(1);
    cache.putWritten(digest, size, "repository index " + source, out -> made.add(reader.read(new Tee(raw, out))));
    // already cached by another process meanwhile: putWritten read nothing, so the reader has the stream to itself
    return made.isEmpty() ? reader.read(raw) : made.get(0);
  }

  /** What is read from the stream is written to the cache too. */
  private static final class Tee extends FilterInputStream {
    private final OutputStream copy;

    Tee(InputStream in, OutputStream copy) {
      super(in);
      this.copy = copy;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        copy.write(b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        copy.write(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // every byte must reach the copy: skipping reads
      byte[] skipped = new byte[(int) Math.max(0, Math.min(n, 8192))];
      return Math.max(0, read(skipped, 0, skipped.length));
    }
  }

  @Override
  public void discard(Sha256 digest) throws IOException {
    Files.deleteIfExists(cache.layout().blob(digest));
  }

  @Override
  public Optional<ParsedPackages> parsed(Sha256 digest, String architecture) throws IOException {
    Path file = parsedFile(digest, architecture);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return ParsedIndexCodec.decode(Files.readAllBytes(file), architecture);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Encodes and writes the parsed form on a thread of its own, while the caller goes on to resolve. */
  @Override
  public void keepParsed(Sha256 digest, String architecture, ParsedPackages packages) {
    FutureTask<Void> write = new FutureTask<>(() -> {
      writeParsed(digest, architecture, packages);
      return null;
    });
    Thread writer = new Thread(write, "sealbuild-parsed-index-writer");
    writer.setDaemon(true);
    writer.start();
    pendingWrites.add(write);
  }

  @Override
  public void awaitWrites() throws IOException {
    IOException first = null;
    boolean interrupted = false;
    for (FutureTask<Void> write : pendingWrites) {
      while (true) {
        try {
          write.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the write must end before the caller goes on: nothing half-written is left
        } catch (ExecutionException e) {
          IOException failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
          if (first == null) {
            first = failure;
          } else {
            first.addSuppressed(failure);
          }
          break;
        }
      }
    }
    pendingWrites.clear();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (first != null) {
      throw first;
    }
  }

  private void writeParsed(Sha256 digest, String architecture, ParsedPackages packages) throws IOException {
    Path dir = cache.layout().indexesDir();
    Files.createDirectories(dir);
    Files.createDirectories(cache.layout().tmpDir());
    Path temp = Files.createTempFile(cache.layout().tmpDir(), "parsed-index-", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        ParsedIndexCodec.encode(architecture, packages, out);
      }
      Files.move(temp, parsedFile(digest, architecture), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** {@code indexes/<sha256 of the index>.<architecture>}: derived from a verified blob, carrying its own digest. */
  private Path parsedFile(Sha256 digest, String architecture) {
    return cache.layout().indexesDir().resolve(digest.hex() + "." + architecture);
  }
}
