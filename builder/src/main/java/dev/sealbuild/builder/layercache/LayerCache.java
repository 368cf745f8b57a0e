package dev.sealbuild.builder.layercache;

import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.formats.oci.MediaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sealbuild.builder.layer.LayerBlob;
import dev.sealbuild.formats.digest.DigestingOutputStream;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The layer cache under {@code CACHE/layers/} (layout: {@link VendorCacheLayout}): layers {@code build image} wrote,
 * by the key of what determined their bytes. A cache, never a source of truth: whatever goes wrong with it (a
 * read-only or full disk, a corrupt entry) is a warning and the layer is built from its inputs instead.
 *
 * <p>Writes are atomic (a unique temporary file, then a rename): the blob first, then the entry that names it, so a
 * reader never sees a half-written entry, and concurrent builds storing the same key both end with a complete one.
 */
public final class LayerCache {
  private static final int BUFFER = 256 * 1024;
  private static final long MAX_ENTRY_BYTES = 64 * 1024;
  private static final long MAX_FACT_BYTES = 1 << 20;

  private final VendorCacheLayout layout;
  private final Consumer<String> warnings;
  private boolean writable = true;

  private LayerCache(VendorCacheLayout layout, Consumer<String> warnings) {
    this.layout = layout;
    this.warnings = warnings;
  }

  /** No cache: every lookup misses, nothing is stored ({@code --no-layer-cache}). */
  public static LayerCache disabled() {
    return new LayerCache(null, w -> { });
  }

  public static LayerCache in(VendorCacheLayout layout, Consumer<String> warnings) {
    return new LayerCache(layout, warnings);
  }

  public boolean enabled() {
    return layout != null;
  }

  /** The entry stored under {@code key}; empty when there is none or it cannot be read (then it is discarded). */
  public Optional<LayerCacheEntry> lookup(Sha256 key) {
    if (layout == null) {
      return Optional.empty();
    }
    Path file = layout.layerEntry(key);
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      return Optional.of(LayerCacheEntry.parse(readSmall(file, MAX_ENTRY_BYTES)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      warnings.accept("layer cache: entry " + file + " is unreadable (" + reason(e) + "); discarded, building the layer");
      deleteQuietly(file);
      return Optional.empty();
    }
  }

  /**
   * Copies a hit's blob to {@code target}, hashing it on the way. True when it is what the entry says; otherwise
   * the entry is discarded with a warning, {@code target} deleted, and false returned: build the layer instead.
   */
  public boolean copyTo(Sha256 key, LayerCacheEntry entry, Path target) {
    Path blob = layout.layerBlob(entry.digest());
    DigestingOutputStream out = null;
    try (InputStream in = Files.newInputStream(blob, LinkOption.NOFOLLOW_LINKS);
         OutputStream file = Files.newOutputStream(target)) {
      out = new DigestingOutputStream(file);
      byte[] buffer = new byte[BUFFER];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
      out.flush();
    } catch (IOException e) {
      return discard(key, target, "its blob " + blob + " is unreadable (" + reason(e) + ")", null);
    }
    if (!out.digest().equals(entry.digest()) || out.count() != entry.size()) {
      return discard(key, target, "its blob " + blob + " is corrupt (expected " + entry.digest() + ", "
          + entry.size() + " bytes; got " + out.digest() + ", " + out.count() + " bytes)", blob);
    }
    return true;
  }

  /**
   * Reads a hit's layer into {@code tree}'s current layer (whiteouts applied), its blob verified on the way through a
   * copy in {@code scratch}; empty when {@code key} is not cached or its blob is damaged (then discarded).
   */
  public Optional<LayerCacheEntry> readInto(Sha256 key, ImageTree tree, TarIngest ingest, Path scratch,
      DecompressionLimits limits, long epoch, String label) throws IOException {
    Optional<LayerCacheEntry> entry = lookup(key);
    if (entry.isEmpty()) {
      return entry;
    }
    Path blob = Files.createTempFile(scratch, "cached", ".layer");
    try {
      if (!copyTo(key, entry.get(), blob)) {
        return Optional.empty();
      }
      MediaType type = MediaType.layer(entry.get().mediaType(), label);
      try (InputStream raw = Files.newInputStream(blob, LinkOption.NOFOLLOW_LINKS);
           InputStream tar = new Decompressors(limits).open(type.compression(), raw, label)) {
        ingest.ingest(tar, tree, IngestPolicy.baseLayer(epoch, label));
      }
      return entry;
    } finally {
      Files.deleteIfExists(blob);
    }
  }

  private boolean discard(Sha256 key, Path target, String problem, Path badBlob) {
    warnings.accept("layer cache: entry " + key.hex() + ": " + problem + "; discarded, building the layer from its inputs");
    deleteQuietly(target);
    deleteQuietly(layout.layerEntry(key));
    if (badBlob != null) {
      deleteQuietly(badBlob);
    }
    return false;
  }

  /** Stores a layer just written under {@code key}: its blob, then its entry. Failures warn once and stop storing. */
  public void store(Sha256 key, LayerBlob layer, long entries) {
    if (layout == null || !writable) {
      return;
    }
    try {
      Path blob = layout.layerBlob(layer.digest());
      // An existing blob is kept only when it really is this layer: a damaged one of the same size must not survive.
      if (!holds(blob, layer.digest(), layer.size())) {
        Path tmp = temp();
        try {
          Files.copy(layer.file(), tmp, StandardCopyOption.REPLACE_EXISTING);
          move(tmp, blob);
        } finally {
          deleteQuietly(tmp);
        }
      }
      LayerCacheEntry entry = new LayerCacheEntry(layer.digest(), layer.size(), layer.diffId(), layer.uncompressedSize(),
          layer.mediaType(), entries);
      writeAtomically(layout.layerEntry(key), entry.toBytes());
    } catch (IOException | UnsupportedOperationException e) {
      cannotWrite(e);
    }
  }

  private static boolean holds(Path blob, Sha256 digest, long size) throws IOException {
    if (!Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS) || Files.size(blob) != size) {
      return false;
    }
    try (InputStream in = Files.newInputStream(blob, LinkOption.NOFOLLOW_LINKS)) {
      return Sha256.hash(in).equals(digest);
    }
  }

  /** A small derived fact stored under {@code key}, when present and readable. */
  public Optional<JsonNode> fact(Sha256 key) {
    if (layout == null) {
      return Optional.empty();
    }
    Path file = layout.layerFact(key);
    try {
      return Optional.ofNullable(CanonicalJson.mapper().readTree(readSmall(file, MAX_FACT_BYTES)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      deleteQuietly(file);
      return Optional.empty();
    }
  }

  public void putFact(Sha256 key, JsonNode value) {
    if (layout == null || !writable) {
      return;
    }
    try {
      writeAtomically(layout.layerFact(key), CanonicalJson.compact(value));
    } catch (IOException | UnsupportedOperationException e) {
      cannotWrite(e);
    }
  }

  private void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = temp();
    try {
      Files.write(tmp, bytes);
      Files.createDirectories(target.getParent());
      move(tmp, target);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private Path temp() throws IOException {
    Path dir = Files.createDirectories(layout.layerTmpDir());
    return Files.createTempFile(dir, "w" + ProcessHandle.current().pid() + "-", ".tmp");
  }

  private static void move(Path tmp, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void cannotWrite(Exception e) {
    writable = false;
    warnings.accept("layer cache: cannot write into " + layout.layersDir() + " (" + reason(e)
        + "); building without storing layers; check free space and permissions");
  }

  private static byte[] readSmall(Path file, long max) throws IOException {
    if (Files.size(file) > max) {
      throw new IOException("larger than " + max + " bytes");
    }
    return Files.readAllBytes(file);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a read-only cache keeps its bad entry; it is checked again on every use and never trusted
    }
  }

  static String reason(Exception e) {
    String text = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
        : e instanceof NoSuchFileException ? "no such file" : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return text.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
