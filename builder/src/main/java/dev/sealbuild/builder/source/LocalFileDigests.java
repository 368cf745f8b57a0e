package dev.sealbuild.builder.source;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.digest.Sha256Hasher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The content digests of the local files one build copies, each file read once: the image record, the layer key (and
 * its check after the layer is written) and the SBOM all need them (a {@code copy:} tree was read four times, five on
 * a layer-cache miss). Contents are always hashed, never assumed from a timestamp; within the build a file is known
 * again by its device, inode, size, modification and change times, so a write to it in between (which moves its change
 * time) makes it read again. As git does with its index, a file changed within {@link #SETTLE} before it was read is
 * not remembered: a file system's clock may be too coarse to tell a write in the same tick. Thread-safe; one per build.
 */
public final class LocalFileDigests {
  static final Duration SETTLE = Duration.ofSeconds(2);

  /** SHA-256, and SHA-1 (which SPDX requires of every file). */
  public record Digests(Sha256 sha256, String sha1Hex) {}

  private record Identity(Object device, Object inode, Object size, FileTime modified, FileTime changed) {
    boolean settledBy(Instant time) {
      return modified.toInstant().isBefore(time) && changed.toInstant().isBefore(time);
    }
  }

  private final Clock clock;
  private final Map<Identity, Digests> known = new ConcurrentHashMap<>();
  private final LongAdder reads = new LongAdder();
  private final LongAdder requests = new LongAdder();

  public LocalFileDigests() {
    this(Clock.systemUTC());
  }

  /** With the clock that tells how long ago a file was last changed. */
  public LocalFileDigests(Clock clock) {
    this.clock = clock;
  }

  /** The digests of the regular file {@code file} (not followed if it is a symlink). */
  public Digests of(Path file) throws IOException {
    requests.increment();
    Instant started = clock.instant();
    Optional<Identity> before = identity(file);
    if (before.isPresent()) {
      Digests digests = known.get(before.get());
      if (digests != null) {
        return digests;
      }
    }
    Digests digests = read(file);
    if (before.isPresent() && before.equals(identity(file)) && before.get().settledBy(started.minus(SETTLE))) {
      known.put(before.get(), digests);
    }
    return digests;
  }

  /** How many times a file's bytes were read (what a caller checks to see each file read once). */
  public long reads() {
    return reads.sum();
  }

  /** How many times digests were asked for. */
  public long requests() {
    return requests.sum();
  }

  private Digests read(Path file) throws IOException {
    reads.increment();
    MessageDigest sha256 = Sha256Hasher.newMessageDigest();
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha256.update(buffer, 0, n);
        sha1.update(buffer, 0, n);
      }
    }
    return new Digests(Sha256.of(sha256.digest()), HexFormat.of().formatHex(sha1.digest()));
  }

  /** Empty where the file system has no inodes and change times: then every request reads the file. */
  private static Optional<Identity> identity(Path file) throws IOException {
    Map<String, Object> a;
    try {
      a = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.of(new Identity(a.get("dev"), a.get("ino"), a.get("size"), (FileTime) a.get("lastModifiedTime"),
        (FileTime) a.get("ctime")));
  }
}
