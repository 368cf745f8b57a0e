package dev.sealbuild.builder.record;

import dev.sealbuild.builder.source.LocalFileDigests;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.builder.image.CachedInputs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.CopyEntry;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.ImageConfig;
import dev.sealbuild.formats.oci.Manifest;
import dev.sealbuild.formats.oci.OciDocument;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.formats.oci.PlatformImage;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * Image records under {@code CACHE/layers/images/}: the image {@code build image} made from a set of inputs, keyed
 * by them (the caller's key: tool, spec and lock bytes, options), so that a build whose inputs have not changed
 * writes its outputs from the cache without reading the spec or any package again. A record is used only when the
 * variables the spec read still have their values, the local {@code copy:} sources still hash the same, and every
 * blob is present with the size and CRC-32C recorded for it (see {@link ImageRecord.RecordedBlob}); otherwise the image is built as usual and the record replaced. Like the
 * layer cache, a cache and never a source of truth: whatever goes wrong with it is a warning at most.
 */
public final class ImageRecords {
  private static final long MAX_RECORD_BYTES = 1 << 20;
  private static final int BUFFER = 256 * 1024;

  private final VendorCacheLayout layout;
  private final Consumer<String> warnings;

  public ImageRecords(VendorCacheLayout layout, Consumer<String> warnings) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.warnings = warnings;
  }

  /**
   * What a build records beside its image: the variables the spec read, the vendor-cache blobs it needs, its local
   * sources and their digest taken before the build read them ({@link #inputs}), the spec's name and the epoch.
   */
  public record Inputs(Map<String, String> variables, List<Sha256> cached, List<String> sources, Sha256 sourcesDigest,
      String name, long sourceDateEpoch) {
    public Inputs {
      variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
      cached = List.copyOf(cached);
      sources = List.copyOf(sources);
    }
  }

  /**
   * The inputs to record for a build of {@code spec} and {@code lock} that read {@code variables}: the local
   * {@code copy:} sources of the image and every stage (as written) hashed now, before the build reads them, and the
   * vendor-cache blobs it needs; empty when a source is missing or unreadable (the build reports it; nothing is
   * recorded). The file digests go through {@code files}, which the build then reuses (each file is read once).
   */
  public static Optional<Inputs> inputs(BuildSpec spec, Lockfile lock, Path specDir, Map<String, String> variables,
      long sourceDateEpoch, LocalFileDigests files) {
    List<String> sources = new ArrayList<>();
    addSources(spec.copy(), sources);
    spec.stages().values().forEach(stage -> addSources(stage.copy(), sources));
    List<Sha256> cached = CachedInputs.of(spec, lock).stream().map(CachedInputs.Required::digest).distinct().toList();
    return LocalSources.digest(specDir, sources, files)
        .map(digest -> new Inputs(variables, cached, sources, digest, spec.name(), sourceDateEpoch));
  }

  private static void addSources(List<CopyEntry> entries, List<String> sources) {
    for (CopyEntry entry : entries) {
      if (entry.from() == null && entry.content() == null && entry.src() != null) {
        sources.add(entry.src());
      }
    }
  }

  /**
   * The record for {@code key} when its inputs are unchanged: the variables it lists have the values
   * {@code variables} gives, and its sources under {@code specDir} hash as recorded (through {@code files}, which a
   * build that follows a miss reuses).
   */
  public Optional<ImageRecord> find(Sha256 key, Path specDir, Function<String, String> variables, LocalFileDigests files) {
    Path file = layout.imageRecord(key);
    ImageRecord record;
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_RECORD_BYTES) {
        return Optional.empty();
      }
      record = ImageRecord.parse(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      warnings.accept("image record " + file + " is unreadable (" + e.getMessage() + "); discarded, building the image");
      deleteQuietly(file);
      return Optional.empty();
    }
    for (Map.Entry<String, String> v : record.variables().entrySet()) {
      if (!Objects.equals(variables.apply(v.getKey()), v.getValue())) {
        return Optional.empty();
      }
    }
    for (Sha256 input : record.inputs()) {
      if (!Files.isRegularFile(layout.blob(input), LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty(); // the build names the missing entry and says to run build prep
      }
    }
    Optional<Sha256> sources = LocalSources.digest(specDir, record.sources(), files);
    if (sources.isEmpty() || !sources.get().equals(record.sourcesDigest())) {
      return Optional.empty();
    }
    return Optional.of(record);
  }

  /**
   * The recorded image with every blob in {@code stagingDir} (linked where the file system allows, else copied),
   * each checked against its recorded size and CRC-32C first; empty when one is missing or damaged (the record is then dropped).
   */
  public Optional<BuiltImage> materialize(Sha256 key, ImageRecord record, Path stagingDir) throws IOException {
    Path blobs = Files.createDirectories(stagingDir.resolve("blobs").resolve("sha256"));
    for (ImageRecord.RecordedBlob blob : all(record)) {
      Sha256 digest = blob.digest();
      Path source = stored(digest);
      Path target = blobs.resolve(digest.hex());
      if (source == null || !intact(source, blob)) {
        warnings.accept("image record " + key.hex() + ": blob " + digest + (source == null ? " is missing" : " is damaged")
            + "; discarded, building the image");
        // the damaged blob is left to the layer cache (which reports and replaces it) or to the next store
        deleteQuietly(layout.imageRecord(key));
        return Optional.empty();
      }
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        linkOrCopy(source, target);
      }
    }
    Map<Platform, BuiltImage.BuiltPlatform> platforms = new LinkedHashMap<>();
    for (ImageRecord.RecordedPlatform p : record.platforms()) {
      Manifest manifest = OciDocument.parseManifest(Files.readAllBytes(blobs.resolve(p.manifest().digest().hex())),
          p.manifest().mediaType(), "recorded manifest " + p.manifest().digest());
      ImageConfig config = ImageConfig.parse(Files.readAllBytes(blobs.resolve(manifest.config().digest().hex())),
          "recorded config " + manifest.config().digest());
      platforms.put(p.platform(), new BuiltImage.BuiltPlatform(
          new PlatformImage(p.platform(), p.manifest(), manifest, config), p.uncompressedSizes()));
    }
    return Optional.of(new BuiltImage(stagingDir, record.root(), platforms, record.blobDigests(), record.referrers()));
  }

  /** The recorded provenance document of a materialized record. */
  public static byte[] provenance(ImageRecord record, BuiltImage image) throws IOException {
    return Files.readAllBytes(image.blob(record.provenance().digest()));
  }

  /**
   * Records {@code image} (still in its staging directory) under {@code key}: blobs the caches do not hold yet are
   * copied into the layer cache's blob directory, then the record is written; a failure warns and records nothing.
   */
  public void store(Sha256 key, Inputs inputs, BuiltImage image, byte[] provenance) {
    try {
      List<ImageRecord.RecordedBlob> blobs = new ArrayList<>();
      for (Sha256 digest : image.blobs()) {
        blobs.add(keep(digest, image.blob(digest)));
      }
      ImageRecord.RecordedBlob provenanceBlob = null;
      if (provenance != null) {
        Path tmp = temp();
        try {
          Files.write(tmp, provenance);
          provenanceBlob = keep(Sha256.hash(provenance), tmp);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      List<ImageRecord.RecordedPlatform> platforms = new ArrayList<>();
      image.platforms().forEach((platform, built) -> platforms.add(new ImageRecord.RecordedPlatform(platform,
          built.image().descriptor(), built.uncompressedSizes())));
      ImageRecord record = new ImageRecord(inputs.variables(), inputs.cached(), inputs.sources(), inputs.sourcesDigest(), inputs.name(),
          inputs.sourceDateEpoch(), image.root(), platforms, image.referrers(), blobs, provenanceBlob);
      writeAtomically(layout.imageRecord(key), record.toBytes());
    } catch (IOException | RuntimeException e) {
      warnings.accept("image record: cannot store (" + e.getMessage() + "); the next build of the same inputs builds again");
    }
  }

  /**
   * {@code build cache verify} of one record file: null when it parses and every blob it names is in a cache (the
   * blobs' contents are checked with the other blobs), else what is wrong.
   */
  public String check(Path file) {
    if (!file.getFileName().toString().matches("[0-9a-f]{64}\\.json")) {
      return "name is not <sha256 key>.json";
    }
    ImageRecord record;
    try {
      record = ImageRecord.parse(Files.readAllBytes(file));
    } catch (IOException e) {
      return "image record does not parse (" + e.getMessage() + ")";
    }
    for (ImageRecord.RecordedBlob blob : all(record)) {
      if (stored(blob.digest()) == null) {
        return "image record names blob " + blob.digest() + ", which no cache holds";
      }
    }
    return null;
  }

  private Path stored(Sha256 digest) {
    for (Path candidate : List.of(layout.layerBlob(digest), layout.blob(digest))) {
      if (Files.isRegularFile(candidate, LinkOption.NOFOLLOW_LINKS)) {
        return candidate;
      }
    }
    return null;
  }

  private static List<ImageRecord.RecordedBlob> all(ImageRecord record) {
    List<ImageRecord.RecordedBlob> all = new ArrayList<>(record.blobs());
    if (record.provenance() != null) {
      all.add(record.provenance());
    }
    return all;
  }

  /**
   * Copies a blob into the layer cache's blob directory unless a cache already holds it intact, and describes it as
   * the record keeps it.
   */
  private ImageRecord.RecordedBlob keep(Sha256 digest, Path from) throws IOException {
    // The staging copy was hashed to its digest when it was written; a stored copy with its size and CRC is the same
    // blob, so it is not hashed again (a base image's layers would be, on every build that records).
    ImageRecord.RecordedBlob blob = new ImageRecord.RecordedBlob(digest, Files.size(from), crc32c(from));
    Path existing = stored(digest);
    if (existing == null || !intact(existing, blob)) {
      Path target = layout.layerBlob(digest);
      Files.createDirectories(target.getParent());
      Path tmp = temp();
      try {
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        move(tmp, target);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    return blob;
  }

  /** Whether a stored blob still has the size and CRC-32C recorded for it. */
  private static boolean intact(Path blob, ImageRecord.RecordedBlob recorded) {
    try {
      return Files.size(blob) == recorded.size() && crc32c(blob) == recorded.crc32c();
    } catch (IOException e) {
      return false;
    }
  }

  private static long crc32c(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        crc.update(buffer, 0, n);
      }
    }
    return crc.getValue();
  }

  private static void linkOrCopy(Path source, Path target) throws IOException {
    try {
      Files.createLink(target, source);
    } catch (FileAlreadyExistsException e) {
      // the same blob twice in one image
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Temporary files live where the layer cache keeps its own (cleaned by {@code build cache verify --delete}). */
  private Path temp() throws IOException {
    Path dir = Files.createDirectories(layout.layerTmpDir());
    return Files.createTempFile(dir, "r" + ProcessHandle.current().pid() + "-", ".tmp");
  }

  private void writeAtomically(Path target, byte[] bytes) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = temp();
    try {
      Files.write(tmp, bytes);
      move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a cache: the next build overwrites it
    }
  }
}
