package dev.sealbuild.prep.cacheregistry;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.prep.cache.ContentMismatchException;
import dev.sealbuild.prep.http.TransportCancelledException;
import dev.sealbuild.prep.http.TransportException;
import dev.sealbuild.prep.registry.ImageReference;
import dev.sealbuild.prep.registry.Registry;
import dev.sealbuild.prep.registry.RegistryException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * Fetches pinned blobs from registry repositories holding a vendor cache ({@code build cache push}), by digest, each
 * in turn. Every byte is checked against the lock while it streams (the registry client checks size and sha256, the
 * cache writer again before the rename), so a registry serving other bytes is refused, its partial file removed, and
 * the next source tried. A registry is trusted for nothing: it can only make prep slower, never change what it gets.
 */
public final class CacheSources {
  private final Registry registry;
  private final CacheFrom from;
  private final Consumer<String> warnings;
  /** Registries that failed as a whole (unreachable, refusing our credentials): asked no more in this run. */
  private final Map<ImageReference, String> unusable = new ConcurrentHashMap<>();

  public CacheSources(Registry registry, CacheFrom from, Consumer<String> warnings) {
    this.registry = registry;
    this.from = Objects.requireNonNull(from, "from");
    this.warnings = Objects.requireNonNull(warnings, "warnings");
    if (registry == null && !from.repositories().isEmpty()) {
      throw new IllegalArgumentException("cache registries need a registry client");
    }
  }

  public static CacheSources none() {
    return new CacheSources(null, CacheFrom.none(), message -> {});
  }

  /** True when upstream sources must not be contacted ({@code --offline-upstream}). */
  public boolean offlineUpstream() {
    return from.offlineUpstream();
  }

  /**
   * Tries each cache registry for blob {@code digest} of exactly {@code size} bytes; true once one served it and it is
   * in the cache. What each source answered is added to {@code tried}. A lock entry without a recorded size is not
   * asked for (a registry cannot be bounded without one).
   */
  public boolean fetchInto(CacheWriter cache, Sha256 digest, Long size, String label, LongConsumer progress, List<String> tried) {
    for (ImageReference repository : from.repositories()) {
      String where = CacheRepository.display(repository);
      String dead = unusable.get(repository);
      if (dead != null) {
        tried.add(where + " (" + dead + ")");
        continue;
      }
      if (size == null) {
        tried.add(where + " (not asked: the lock records no size for it)");
        continue;
      }
      try {
        cache.putWritten(digest, size, label, out -> registry.fetchBlob(repository, digest, size, counting(out, progress)));
        return true;
      } catch (TransportCancelledException e) {
        throw e;
      } catch (RegistryException | TransportException | ContentMismatchException | IOException e) {
        String message = oneLine(e.getMessage());
        if (message.contains("HTTP 404")) {
          tried.add(where + " (not there)");
        } else if (wholeRegistryFailed(e, message)) {
          tried.add(where + " (" + message + ")");
          if (unusable.putIfAbsent(repository, "unusable: " + message) == null) {
            warnings.accept("warning: cache registry " + where + " is unusable (" + message + "); not asking it again in this"
                + " run, using the next source");
          }
        } else {
          tried.add(where + " (" + message + ")");
          warnings.accept("warning: " + label + " from " + where + ": " + message + "; trying the next source");
        }
      }
    }
    return false;
  }

  /** Unreachable, out of time, or refusing access: no other blob will do better there. */
  private static boolean wholeRegistryFailed(Exception e, String message) {
    if (e instanceof TransportException t) {
      return t.failure() != TransportException.Failure.TOO_LARGE && t.failure() != TransportException.Failure.NOT_FOUND;
    }
    if (e instanceof RegistryException && e.getCause() instanceof TransportException t) {
      return t.failure() != TransportException.Failure.TOO_LARGE && t.failure() != TransportException.Failure.NOT_FOUND;
    }
    return e instanceof RegistryException && (message.contains("HTTP 401") || message.contains("HTTP 403"));
  }

  /** The registries, for messages: {@code docker://a/b, docker://c/d}. */
  public String describe() {
    return from.repositories().stream().map(CacheRepository::display).collect(Collectors.joining(", "));
  }

  public boolean isEmpty() {
    return from.repositories().isEmpty();
  }

  /** The one-line error for a blob no allowed source had. */
  public static CacheRegistryException missing(String label, Sha256 digest, List<String> tried, String upstream) {
    return new CacheRegistryException(label + " (" + digest + ") is in none of the cache registries"
        + (tried.isEmpty() ? " (none given)" : ": " + String.join("; ", tried))
        + ", and --offline-upstream forbids " + upstream
        + ": push it there with build cache push from a machine that has it, or drop --offline-upstream");
  }

  private static String oneLine(String text) {
    return text == null ? "failed" : text.replaceAll("[\\r\\n\\t]+", " ").strip();
  }

  private static OutputStream counting(OutputStream out, LongConsumer progress) {
    return new OutputStream() {
      private long total;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        total += len;
        progress.accept(total);
      }
    };
  }
}
