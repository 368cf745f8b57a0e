package dev.sealbuild.builder.source;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.digest.Sha256Hasher;
import dev.sealbuild.formats.io.Failures;
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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The content digests of the local files one build copies, each file read once: the image record, the layer key (and
 * its check after the layer is written) and the SBOM all need them (a {@code copy:} tree was read four times, five on
 * a layer-cache miss). Contents are always hashed, never assumed from a timestamp; within the build a file is known
 * again by its device, inode, size, modification and change times, so a write to it in between (which moves its change
 * time) makes it read again. As git does with its index, a file changed within {@link #SETTLE} before it was read is
 * not remembered: a file system's clock may be too coarse to tell a write in the same tick. Thread-safe; one per build.
 * {@link #ofAll} reads a whole tree on every core: until its layer key is known, a build has nothing else to do.
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
  private final int threads;
  private final Map<Identity, Digests> known = new ConcurrentHashMap<>();
  private final LongAdder reads = new LongAdder();
  private final LongAdder requests = new LongAdder();

  public LocalFileDigests() {
    this(Clock.systemUTC());
  }

  /** With the clock that tells how long ago a file was last changed. */
  public LocalFileDigests(Clock clock) {
    this(clock, Runtime.getRuntime().availableProcessors());
  }

  /** @param threads files {@link #ofAll} reads at once (1: one after another, on the caller's thread) */
  public LocalFileDigests(Clock clock, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.clock = clock;
    this.threads = threads;
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

  /**
   * The digests of each of {@code files}, in their order, read as {@link #of} reads one, on up to {@code threads}
   * threads (the caller's among them). Whichever thread met it first, the error is that of the first file in the list
   * that could not be read; every thread has stopped when this returns or throws.
   */
  public List<Digests> ofAll(List<Path> files) throws IOException {
    // a path listed twice (a file copied by two entries) is read once, not by two threads at the same time
    List<Path> unique = List.copyOf(new LinkedHashSet<>(files));
    int workers = Math.min(threads, unique.size());
    Digests[] digests = new Digests[unique.size()];
    Throwable[] failures = new Throwable[unique.size()];
    AtomicInteger next = new AtomicInteger();
    Runnable work = () -> {
      for (int i = next.getAndIncrement(); i < digests.length; i = next.getAndIncrement()) {
        try {
          digests[i] = of(unique.get(i));
        } catch (IOException | RuntimeException | Error e) {
          failures[i] = e;
        }
      }
    };
    Thread[] helpers = new Thread[Math.max(0, workers - 1)];
    for (int t = 0; t < helpers.length; t++) {
      helpers[t] = new Thread(work, "sealbuild-hash-" + (t + 1));
      helpers[t].setDaemon(true);
      helpers[t].start();
    }
    work.run();
    joinAll(helpers);
    for (Throwable failure : failures) {
      if (failure != null) {
        throw Failures.rethrow(failure);
      }
    }
    Map<Path, Digests> byPath = new HashMap<>();
    for (int i = 0; i < digests.length; i++) {
      byPath.put(unique.get(i), digests[i]);
    }
    return files.stream().map(byPath::get).toList();
  }

  /** Waits for every helper, even when interrupted (none may outlive the call), then passes the interrupt on. */
  private static void joinAll(Thread[] helpers) throws IOException {
    boolean interrupted = false;
    for (Thread helper : helpers) {
      while (true) {
        try {
          helper.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while hashing local files");
    }
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
