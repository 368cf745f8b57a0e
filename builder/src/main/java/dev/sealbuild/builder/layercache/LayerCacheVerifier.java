package dev.sealbuild.builder.layercache;

import dev.sealbuild.builder.record.ImageRecords;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.formats.digest.DigestingOutputStream;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code build cache verify} for {@code CACHE/layers/}: every entry parses, names a blob that hashes to its digest
 * and size, and whose decompressed tar hashes to its diff_id and size; every blob hashes to its name; facts parse;
 * every image record parses and names only blobs a cache holds; temporary files older than a day are litter. With {@code delete}, bad files are removed (the next build rebuilds).
 */
public final class LayerCacheVerifier {
  private static final Pattern ENTRY_NAME = Pattern.compile("[0-9a-f]{64}\\.json");
  private static final Duration STALE_TEMP = Duration.ofDays(1);
  /** Our own layers: no bomb to stop, and a layer of zeros compresses far beyond the ratio inputs are held to. */
  private static final DecompressionLimits OWN_LAYERS = new DecompressionLimits(Long.MAX_VALUE, Long.MAX_VALUE, 0,
      DecompressionLimits.DEFAULT.xzMemoryLimitKiB(), DecompressionLimits.DEFAULT.zstdWindowLogMax());

  /** One bad file under {@code layers/}. */
  public record Problem(Path path, String detail, boolean deleted) {}

  /** What was checked (entries and blobs) and what was wrong, sorted by path. */
  public record Report(int entriesChecked, int blobsChecked, int recordsChecked, List<Problem> problems) {
    public boolean clean() {
      return problems.isEmpty();
    }
  }

  private final VendorCacheLayout layout;

  public LayerCacheVerifier(VendorCacheLayout layout) {
    this.layout = layout;
  }

  public Report verify(boolean delete) {
    List<Problem> problems = new ArrayList<>();
    int blobs = 0;
    for (Path blob : list(layout.layerBlobsDir())) {
      blobs++;
      String detail;
      try {
        Sha256 named = Sha256.ofHex(blob.getFileName().toString());
        Sha256 actual = Sha256.hash(blob);
        detail = actual.equals(named) ? null : "content hashes to " + actual;
      } catch (IllegalArgumentException e) {
        detail = "name is not a sha256 digest";
      } catch (IOException e) {
        detail = "unreadable: " + LayerCache.reason(e);
      }
      if (detail != null) {
        problems.add(bad(blob, detail, delete));
      }
    }
    int entries = 0;
    for (Path entry : list(layout.layerEntriesDir())) {
      entries++;
      String detail = checkEntry(entry);
      if (detail != null) {
        problems.add(bad(entry, detail, delete));
      }
    }
    int records = 0;
    ImageRecords imageRecords = new ImageRecords(layout, w -> { });
    for (Path record : list(layout.imageRecordsDir())) {
      records++;
      String detail = imageRecords.check(record);
      if (detail != null) {
        problems.add(bad(record, detail, delete));
      }
    }
    for (Path fact : list(layout.layerFactsDir())) {
      try {
        CanonicalJson.mapper().readTree(Files.readAllBytes(fact));
      } catch (IOException e) {
        problems.add(bad(fact, "not a readable JSON fact (" + LayerCache.reason(e) + ")", delete));
      }
    }
    Instant staleBefore = Instant.now().minus(STALE_TEMP);
    for (Path tmp : list(layout.layerTmpDir())) {
      try {
        if (Files.getLastModifiedTime(tmp, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(staleBefore)) {
          problems.add(bad(tmp, "left behind by a build that ended more than a day ago", delete));
        }
      } catch (IOException vanished) {
        // renamed into place meanwhile
      }
    }
    problems.sort((a, b) -> a.path().compareTo(b.path()));
    return new Report(entries, blobs, records, problems);
  }

  /** Null when the entry is good, else what is wrong with it. */
  private String checkEntry(Path file) {
    if (!ENTRY_NAME.matcher(file.getFileName().toString()).matches()) {
      return "name is not <sha256 key>.json";
    }
    LayerCacheEntry entry;
    try {
      entry = LayerCacheEntry.parse(Files.readAllBytes(file));
    } catch (IOException e) {
      return "metadata does not parse (" + LayerCache.reason(e) + ")";
    }
    Path blob = layout.layerBlob(entry.digest());
    MediaType type;
    try {
      type = MediaType.layer(entry.mediaType(), file.toString());
    } catch (RuntimeException e) {
      return "unknown media type " + entry.mediaType();
    }
    DigestingOutputStream tar = new DigestingOutputStream(OutputStream.nullOutputStream());
    Sha256 compressed;
    long compressedSize;
    String undecompressable = null;
    try (InputStream raw = Files.newInputStream(blob, LinkOption.NOFOLLOW_LINKS)) {
      DigestingInputCounter counter = new DigestingInputCounter(raw);
      try (InputStream in = new Decompressors(OWN_LAYERS).open(type.compression(), counter, blob.toString())) {
        in.transferTo(tar);
      } catch (IOException | RuntimeException e) {
        undecompressable = "its blob " + entry.digest() + " does not decompress (" + e.getMessage() + ")";
      }
      counter.transferTo(OutputStream.nullOutputStream());
      compressed = counter.digest();
      compressedSize = counter.count();
    } catch (NoSuchFileException e) {
      return "its blob " + entry.digest() + " is missing";
    } catch (IOException e) {
      return "its blob " + entry.digest() + " is unreadable (" + LayerCache.reason(e) + ")";
    }
    if (!compressed.equals(entry.digest()) || compressedSize != entry.size()) {
      return "its blob hashes to " + compressed + " (" + compressedSize + " bytes), the entry says " + entry.digest()
          + " (" + entry.size() + " bytes)";
    }
    if (undecompressable != null) {
      return undecompressable;
    }
    Sha256 diffId = tar.digest();  // once: a digest() call starts the hasher over
    if (!diffId.equals(entry.diffId()) || tar.count() != entry.uncompressedSize()) {
      return "its blob decompresses to " + diffId + " (" + tar.count() + " bytes), the entry's diff_id says "
          + entry.diffId() + " (" + entry.uncompressedSize() + " bytes)";
    }
    return null;
  }

  /** Hashes and counts what is read through it; closing it leaves the file open (the caller closes that). */
  private static final class DigestingInputCounter extends dev.sealbuild.formats.io.ObservingInputStream {
    private final dev.sealbuild.formats.digest.Sha256Hasher hasher = new dev.sealbuild.formats.digest.Sha256Hasher();

    DigestingInputCounter(InputStream in) {
      super(in);
    }

    @Override
    protected void observe(byte[] buf, int off, int len) {
      hasher.update(buf, off, len);
    }

    @Override
    public void close() {
      // the caller closes the file; the decompressor must not end the count early
    }

    Sha256 digest() {
      return hasher.digest();
    }

    long count() {
      return hasher.count();
    }
  }

  private static Problem bad(Path path, String detail, boolean delete) {
    if (!delete) {
      return new Problem(path, detail, false);
    }
    try {
      return new Problem(path, detail, Files.deleteIfExists(path));
    } catch (IOException e) {
      return new Problem(path, detail + "; could not delete: " + LayerCache.reason(e), false);
    }
  }

  private static List<Path> list(Path dir) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(files::add);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new dev.sealbuild.builder.cache.CacheException("cannot read " + dir + ": " + LayerCache.reason(e)
          + "; check its permissions");
    }
    files.sort(null);
    return files;
  }
}
