package dev.sealbuild.prep.cache;

import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes verified content into the vendor cache ({@code blobs/sha256/<hex>}). Content is streamed
 * into a uniquely named file in {@code tmp/} while being hashed, fsynced, checked against the
 * expected size and digest, and only then renamed atomically into {@code blobs/}. On any failure
 * the temporary file is deleted, so {@code blobs/} only ever holds complete, verified files.
 *
 * <p>Thread-safe: concurrent writers (threads or processes) never share a temporary file, and two
 * writers storing the same content both end with the same blob.
 */
public final class CacheWriter {
  private static final int BUFFER_SIZE = 64 * 1024;

  private final VendorCacheLayout layout;
  private final TempFileOpener tempFiles;
  private final Clock clock;
  private final TempFileOwner owner;

  private CacheWriter(VendorCacheLayout layout, TempFileOpener tempFiles, Clock clock, TempFileOwner owner) {
    this.owner = Objects.requireNonNull(owner, "owner");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.tempFiles = Objects.requireNonNull(tempFiles, "tempFiles");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Opens (creating if needed) the cache; fails with a one-line error if it is not usable. */
  public static CacheWriter open(VendorCacheLayout layout) {
    return open(layout, TempFileOpener.DEFAULT, Clock.systemUTC());
  }

  public static CacheWriter open(VendorCacheLayout layout, TempFileOpener tempFiles, Clock clock) {
    return open(layout, tempFiles, clock, TempFileOwner.system());
  }

  static CacheWriter open(VendorCacheLayout layout, TempFileOpener tempFiles, Clock clock, TempFileOwner owner) {
    CacheWriter writer = new CacheWriter(layout, tempFiles, clock, owner);
    writer.prepareDirectories();
    return writer;
  }

  public VendorCacheLayout layout() {
    return layout;
  }

  /** True if a blob with this digest is present (as a regular file; symlinks do not count). */
  public boolean contains(Sha256 digest) {
    Path blob = layout.blob(digest);
    try {
      return Files.readAttributes(blob, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile();
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw unusableCache(e);
    }
  }

  /** Same as {@link #put(InputStream, Sha256, Long, String, String)} without a source. */
  public Sha256 put(InputStream in, Sha256 expected, Long expectedSize, String label) throws IOException {
    return put(in, expected, expectedSize, label, null);
  }

  /**
   * Streams {@code in} into the cache and returns its digest. Reads at most {@code expectedSize + 1}
   * bytes when a size is given. If {@code expected} is already cached, returns it without reading.
   *
   * @param expected digest the content must have, or null to accept any content (build lock)
   * @param expectedSize exact size the content must have, or null if unknown
   * @param label the lock entry, used in error messages (e.g. {@code files[2]})
   * @param source where the bytes come from (URL or file), used in error messages; may be null
   * @throws IOException only if reading {@code in} fails; the caller may retry
   * @throws ContentMismatchException if size or digest differ from what was expected
   * @throws CacheException if the cache cannot be written (full disk, permissions)
   */
  public Sha256 put(InputStream in, Sha256 expected, Long expectedSize, String label, String source)
      throws IOException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(label, "label");
    if (expectedSize != null && expectedSize < 0) {
      throw new IllegalArgumentException("negative expected size for " + label + ": " + expectedSize);
    }
    if (expected != null && contains(expected)) {
      return expected;
    }
    String what = source == null || source.isBlank() ? label : label + " (" + source + ")";
    Path temp = layout.tmpDir().resolve(owner.newName());
    try {
      Hashed received = receive(in, temp, expectedSize, what);
      checkContent(received, expected, expectedSize, what);
      writeStep(what, () -> fsync(temp));
      Path blob = layout.blob(received.digest());
      writeStep(what, () -> Files.move(temp, blob, StandardCopyOption.ATOMIC_MOVE));
      syncDirectory(layout.blobsDir());
      return received.digest();
    } catch (IOException | RuntimeException | Error failure) {
      deleteTemp(temp, failure);
      throw failure;
    }
  }

  /** Writes a blob's bytes to the stream it is given (a registry client streaming a layer, say). */
  public interface BlobWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Like {@link #put(InputStream, Sha256, Long, String, String)}, for producers that write rather than being read:
   * the bytes {@code writer} writes are hashed and counted on their way into a temporary file, refused after
   * {@code expectedSize + 1} bytes, and moved into {@code blobs/} only when digest and size match.
   */
  public Sha256 putWritten(Sha256 expected, long expectedSize, String label, BlobWriter writer) throws IOException {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(writer, "writer");
    if (contains(expected)) {
      return expected;
    }
    Path temp = layout.tmpDir().resolve(owner.newName());
    try {
      MessageDigest sha256 = newSha256();
      long[] total = {0};
      OutputStream file = writeStep(label, () -> tempFiles.create(temp));
      OutputStream counted = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          if (total[0] + len > expectedSize) {
            throw new ContentMismatchException("size mismatch for " + label + ": expected " + expectedSize
                + " bytes, got more; the source changed or the lock is wrong: run build lock again");
          }
          sha256.update(b, off, len);
          total[0] += len;
          writeStep(label, () -> file.write(b, off, len));
        }
      };
      try {
        writer.writeTo(counted);
      } catch (IOException | RuntimeException | Error failure) {
        closeAfterFailure(file);
        throw failure;
      }
      writeStep(label, file::close);
      checkContent(new Hashed(Sha256.of(sha256.digest()), total[0]), expected, expectedSize, label);
      writeStep(label, () -> fsync(temp));
      writeStep(label, () -> Files.move(temp, layout.blob(expected), StandardCopyOption.ATOMIC_MOVE));
      syncDirectory(layout.blobsDir());
      return expected;
    } catch (IOException | RuntimeException | Error failure) {
      deleteTemp(temp, failure);
      throw failure;
    }
  }

  /**
   * Copies a local file into the cache ({@code build cache import}); does not copy it if a blob with
   * the same content is already present.
   */
  public Sha256 importFile(Path file) {
    Objects.requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new CacheException("cannot import " + file + ": not a regular file; check the path");
    }
    try {
      Hashed hashed;
      try (InputStream in = Files.newInputStream(file)) {
        hashed = hash(in);
      }
      if (contains(hashed.digest())) {
        return hashed.digest();
      }
      try (InputStream in = Files.newInputStream(file)) {
        return put(in, hashed.digest(), hashed.size(), String.valueOf(file.getFileName()), file.toString());
      }
    } catch (IOException e) {
      throw new CacheException("cannot read " + file + ": " + reason(e) + "; check the path and its permissions", e);
    }
  }

  /**
   * Re-hashes every blob and reports wrong content, badly named files and anything else found under
   * {@code blobs/}, and the partial downloads killed runs left in {@code tmp/}. With {@code deleteBad}, bad files
   * (not directories) are deleted.
   */
  public VerifyReport verifyAll(boolean deleteBad) {
    Path blobsParent = layout.blobsDir().getParent();
    List<BadBlob> problems = new ArrayList<>();
    int checked = 0;
    for (Path entry : sortedEntries(blobsParent)) {
      if (!entry.equals(layout.blobsDir())) {
        problems.add(bad(entry, BadBlob.Problem.STRAY, "unexpected entry in blobs/", deleteBad));
      }
    }
    for (Path entry : sortedEntries(layout.blobsDir())) {
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException vanished) {
        continue;
      } catch (IOException e) {
        problems.add(new BadBlob(entry, BadBlob.Problem.UNREADABLE, reason(e), false));
        continue;
      }
      Sha256 named = digestNamed(entry.getFileName().toString());
      if (!attributes.isRegularFile()) {
        problems.add(bad(entry, BadBlob.Problem.STRAY, "not a regular file", deleteBad));
      } else if (named == null) {
        problems.add(bad(entry, BadBlob.Problem.BAD_NAME, "name is not a sha256 digest", deleteBad));
      } else {
        checked++;
        try (InputStream in = Files.newInputStream(entry, LinkOption.NOFOLLOW_LINKS)) {
          Hashed actual = hash(in);
          if (!actual.digest().equals(named)) {
            problems.add(bad(entry, BadBlob.Problem.WRONG_CONTENT,
                "content hashes to " + actual.digest() + " (" + actual.size() + " bytes)", deleteBad));
          }
        } catch (IOException e) {
          problems.add(new BadBlob(entry, BadBlob.Problem.UNREADABLE, reason(e), false));
        }
      }
    }
    for (Litter litter : tempLitter()) {
      problems.add(bad(litter.path(), BadBlob.Problem.TEMP_LITTER, litter.reason(), deleteBad));
    }
    return new VerifyReport(checked, problems);
  }

  /**
   * Deletes what killed runs left in {@code tmp/}: files whose writing process has ended (the PID in their name is
   * gone or reused), and files without a PID in their name older than a day. Files a live process is writing are
   * kept, whichever process it is.
   *
   * @return the number of files deleted
   */
  public int deleteStaleTemp() {
    int deleted = 0;
    for (Litter litter : tempLitter()) {
      try {
        if (Files.deleteIfExists(litter.path())) {
          deleted++;
        }
      } catch (IOException e) {
        throw new CacheException("cannot clean " + litter.path() + ": " + reason(e)
            + "; check the cache dir permissions", e);
      }
    }
    return deleted;
  }

  private record Litter(Path path, String reason) {}

  private List<Litter> tempLitter() {
    Instant now = clock.instant();
    List<Litter> litter = new ArrayList<>();
    for (Path entry : sortedEntries(layout.tmpDir())) {
      try {
        BasicFileAttributes attributes =
            Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
          Optional<String> reason = owner.litter(entry.getFileName().toString(),
              attributes.lastModifiedTime().toInstant(), now);
          reason.ifPresent(r -> litter.add(new Litter(entry, r)));
        }
      } catch (NoSuchFileException vanished) {
        // renamed into blobs/ or removed by another run meanwhile
      } catch (IOException e) {
        throw new CacheException("cannot read " + entry + ": " + reason(e) + "; check the cache dir permissions", e);
      }
    }
    return litter;
  }

  private void prepareDirectories() {
    Path root = layout.root();
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new CacheException("cache dir " + root + " is not a directory; remove it or pass --cache DIR");
    }
    try {
      Files.createDirectories(layout.blobsDir());
      Files.createDirectories(layout.tmpDir());
      for (Path dir : List.of(layout.blobsDir(), layout.tmpDir())) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
          entries.iterator().hasNext();
        }
      }
    } catch (IOException e) {
      throw new CacheException("cannot use cache dir " + root + ": " + reason(e)
          + "; check its permissions or pass --cache DIR", e);
    }
    if (!Files.isWritable(layout.blobsDir()) || !Files.isWritable(layout.tmpDir())) {
      throw new CacheException("cache dir " + root + " is not writable; check its permissions or pass --cache DIR");
    }
  }

  private Hashed receive(InputStream in, Path temp, Long expectedSize, String what) throws IOException {
    MessageDigest sha256 = newSha256();
    long readLimit = expectedSize == null ? Long.MAX_VALUE : expectedSize + 1;
    long total = 0;
    byte[] buffer = new byte[BUFFER_SIZE];
    OutputStream out = writeStep(what, () -> tempFiles.create(temp));
    boolean closed = false;
    try {
      while (total < readLimit) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, readLimit - total));
        if (n < 0) {
          break;
        }
        sha256.update(buffer, 0, n);
        total += n;
        int length = n;
        writeStep(what, () -> out.write(buffer, 0, length));
      }
      closed = true;
      writeStep(what, out::close);
    } finally {
      if (!closed) {
        closeAfterFailure(out);
      }
    }
    return new Hashed(Sha256.of(sha256.digest()), total);
  }

  private static void checkContent(Hashed received, Sha256 expected, Long expectedSize, String what) {
    String advice = "; the file changed upstream or the lock is wrong: check the source and run build lock again";
    if (expectedSize != null && received.size() > expectedSize) {
      throw new ContentMismatchException("size mismatch for " + what + ": expected " + expectedSize
          + " bytes, got more (stopped reading at " + received.size() + " bytes)" + advice);
    }
    if (expectedSize != null && received.size() < expectedSize) {
      throw new ContentMismatchException("size mismatch for " + what + ": expected " + expectedSize + " bytes"
          + (expected == null ? "" : " (" + expected + ")") + ", got " + received.size() + " bytes ("
          + received.digest() + ")" + advice);
    }
    if (expected != null && !expected.equals(received.digest())) {
      throw new ContentMismatchException("sha256 mismatch for " + what + ": expected " + expected + ", got "
          + received.digest() + " (" + received.size() + " bytes)" + advice);
    }
  }

  private interface WriteAction<T> {
    T run() throws IOException;
  }

  private interface VoidWriteAction {
    void run() throws IOException;
  }

  /** Runs a step that writes to the cache; its IOExceptions are cache failures, never retried. */
  private <T> T writeStep(String what, WriteAction<T> action) {
    try {
      return action.run();
    } catch (IOException e) {
      throw writeFailure(what, e);
    }
  }

  private void writeStep(String what, VoidWriteAction action) {
    writeStep(what, () -> {
      action.run();
      return null;
    });
  }

  private CacheException writeFailure(String what, IOException e) {
    String hint = isDiskFull(e)
        ? "free some disk space or pass --cache DIR"
        : "check free space and permissions of the cache dir or pass --cache DIR";
    return new CacheException("cannot write " + what + " into cache " + layout.root() + ": " + reason(e) + "; " + hint, e);
  }

  private CacheException unusableCache(IOException e) {
    return new CacheException("cannot read cache dir " + layout.root() + ": " + reason(e)
        + "; check its permissions or pass --cache DIR", e);
  }

  private static boolean isDiskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String text = t instanceof FileSystemException fse ? fse.getReason() : t.getMessage();
      if (text != null && (text.contains("No space left on device") || text.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }

  private static void fsync(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot fsync a directory. The blob is already complete and in place;
      // only the durability of its name across a power cut is not guaranteed there.
    }
  }

  private static void closeAfterFailure(OutputStream out) {
    try {
      out.close();
    } catch (IOException ignored) {
      // the original failure is what matters; the temp file is deleted next
    }
  }

  private static void deleteTemp(Path temp, Throwable failure) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private List<Path> sortedEntries(Path dir) {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(entries::add);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw unusableCache(e);
    }
    entries.sort(null);
    return entries;
  }

  private BadBlob bad(Path entry, BadBlob.Problem problem, String detail, boolean delete) {
    if (!delete || Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
      return new BadBlob(entry, problem, detail, false);
    }
    try {
      return new BadBlob(entry, problem, detail, Files.deleteIfExists(entry));
    } catch (IOException e) {
      return new BadBlob(entry, problem, detail + "; could not delete: " + reason(e), false);
    }
  }

  private static Sha256 digestNamed(String name) {
    try {
      return Sha256.ofHex(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private record Hashed(Sha256 digest, long size) {}

  private static Hashed hash(InputStream in) throws IOException {
    MessageDigest sha256 = newSha256();
    byte[] buffer = new byte[BUFFER_SIZE];
    long total = 0;
    for (int n; (n = in.read(buffer)) >= 0; ) {
      sha256.update(buffer, 0, n);
      total += n;
    }
    return new Hashed(Sha256.of(sha256.digest()), total);
  }

  private static MessageDigest newSha256() {
    return dev.sealbuild.formats.digest.Sha256Hasher.newMessageDigest();
  }

  /** A short, single-line reason for an I/O failure, without the temp file's path. */
  static String reason(IOException e) {
    String text;
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      text = fse.getReason();
    } else if (e instanceof AccessDeniedException) {
      text = "permission denied";
    } else if (e instanceof NoSuchFileException) {
      text = "no such file or directory";
    } else if (e instanceof NotDirectoryException) {
      text = "not a directory";
    } else if (e instanceof FileAlreadyExistsException) {
      text = "file already exists";
    } else if (e.getMessage() != null) {
      text = e.getMessage();
    } else {
      text = e.getClass().getSimpleName();
    }
    return text.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
