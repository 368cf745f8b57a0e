package dev.sealbuild.prep.cache;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code build cache gc}: the blobs of {@code blobs/sha256/} no kept lock needs. Only complete blobs are candidates:
 * a blob being written lives in {@code tmp/} until its atomic rename, and {@code tmp/} is never touched here (what
 * killed runs left there is {@code build prep}'s to clean, by PID). A blob renamed in less than {@link #GRACE} ago is
 * kept too, since a {@code build prep} running now for another lock may have just written it and not used it yet.
 * Deleting a blob also deletes its derived facts. Stray files are left to {@code build cache verify}.
 */
public final class CacheGc {
  /** How old a blob must be before gc deletes it. */
  public static final Duration GRACE = Duration.ofMinutes(10);

  private final VendorCacheLayout layout;
  private final Clock clock;

  public CacheGc(VendorCacheLayout layout, Clock clock) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A blob no kept lock needs; {@code recent} when it is too new to delete. */
  public record Unneeded(Sha256 digest, long size, boolean recent) {}

  /** What gc found: kept blobs, and the unneeded ones in digest order. */
  public record Plan(int kept, List<Unneeded> unneeded) {
    public List<Unneeded> deletable() {
      return unneeded.stream().filter(u -> !u.recent()).toList();
    }
  }

  public Plan plan(Set<Sha256> keep) {
    Instant cutoff = clock.instant().minus(GRACE);
    List<Unneeded> unneeded = new ArrayList<>();
    int kept = 0;
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(layout.blobsDir())) {
      stream.forEach(entries::add);
    } catch (NoSuchFileException e) {
      return new Plan(0, List.of());
    } catch (IOException e) {
      throw new CacheException("cannot read cache dir " + layout.blobsDir() + ": " + CacheWriter.reason(e)
          + "; check its permissions or pass --cache DIR", e);
    }
    entries.sort(null);
    for (Path entry : entries) {
      Sha256 digest = CacheSelection.digestNamed(entry.getFileName().toString());
      if (digest == null) {
        continue;
      }
      if (keep.contains(digest)) {
        kept++;
        continue;
      }
      try {
        BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isRegularFile()) {
          unneeded.add(new Unneeded(digest, attributes.size(), attributes.lastModifiedTime().toInstant().isAfter(cutoff)));
        }
      } catch (NoSuchFileException vanished) {
        // deleted by another gc meanwhile
      } catch (IOException e) {
        throw new CacheException("cannot read " + entry + ": " + CacheWriter.reason(e) + "; check the cache dir permissions", e);
      }
    }
    return new Plan(kept, List.copyOf(unneeded));
  }

  /** Deletes the plan's deletable blobs (and their facts); returns how many were deleted. */
  public int delete(Plan plan) {
    int deleted = 0;
    for (Unneeded blob : plan.deletable()) {
      Path file = layout.blob(blob.digest());
      try {
        if (Files.deleteIfExists(file)) {
          deleted++;
        }
        Files.deleteIfExists(layout.facts(blob.digest()));
      } catch (IOException e) {
        throw new CacheException("cannot delete " + file + ": " + CacheWriter.reason(e) + "; check the cache dir permissions", e);
      }
    }
    return deleted;
  }
}
