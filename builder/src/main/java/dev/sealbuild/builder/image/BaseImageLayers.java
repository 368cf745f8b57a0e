package dev.sealbuild.builder.image;

import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.formats.digest.VerifyingInputStream;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.layer.LayerBlob;
import dev.sealbuild.builder.source.BuildContext;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.ImageConfig;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.OciFormatException;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.lock.LockException;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * One platform of a pinned base image: its config, and its layers read into the tree (so what comes on top sees the
 * base's files, whiteouts applied) while the layer blobs themselves are reused byte for byte. Each layer's
 * uncompressed tar must hash to the config's {@code diff_ids} entry, as runtimes check.
 */
public final class BaseImageLayers {
  /** Base configs are small JSON; a bigger one is refused rather than parsed. */
  static final long MAX_CONFIG_BYTES = 8L << 20;

  private final LockedBaseImage base;
  private final LockedPlatformImage image;
  private final BuildContext context;

  public BaseImageLayers(LockedBaseImage base, LockedPlatformImage image, BuildContext context) {
    this.base = base;
    this.image = image;
    this.context = context;
  }

  public String describe() {
    return "base image " + base.reference() + " (" + image.platform() + ")";
  }

  /** The base config: parsed, checked to be this platform's and to list one diff_id per layer. */
  public ImageConfig config() throws IOException {
    LockedDescriptor config = image.config();
    String label = describe() + " config";
    if (config.size() > MAX_CONFIG_BYTES) {
      throw new LockException(label + " is " + config.size() + " bytes, over the " + MAX_CONFIG_BYTES + " limit");
    }
    byte[] bytes = context.cache().read(config.digest(), config.size(), label, true, InputStream::readAllBytes);
    ImageConfig parsed;
    try {
      parsed = ImageConfig.parse(bytes, label);
    } catch (OciFormatException e) {
      throw new HostileInputException(e.getMessage());
    }
    Platform platform = parsed.platform();
    if (!platform.os().equals(image.platform().os()) || !platform.architecture().equals(image.platform().architecture())) {
      throw new HostileInputException(label + " is for " + platform.os() + "/" + platform.architecture() + ", not "
          + image.platform());
    }
    if (parsed.diffIds().size() != image.layers().size()) {
      throw new HostileInputException(label + " lists " + parsed.diffIds().size() + " diff_ids for "
          + image.layers().size() + " layers");
    }
    return parsed;
  }

  /** What this base contributes to the layer cache's key chain: its platform manifest, config and layer digests. */
  public Sha256 key() {
    java.util.Map<String, Object> key = new java.util.LinkedHashMap<>();
    key.put("base_image", base.reference());
    key.put("manifest", image.manifest().digest().toString());
    key.put("config", image.config().digest().toString());
    key.put("layers", image.layers().stream().map(l -> l.digest().toString()).toList());
    return Sha256.hash(dev.sealbuild.formats.json.CanonicalJson.compact(key));
  }

  /**
   * The layers as {@link #addTo} returns them, without reading them into a tree: each blob copied into
   * {@code blobsDir} (verified on the way), tar sizes as a previous build measured them. Null when the sizes do not
   * fit this base.
   */
  public List<LayerBlob> copyTo(ImageConfig config, Path blobsDir, List<Long> uncompressedSizes) throws IOException {
    if (uncompressedSizes.size() != image.layers().size()) {
      return null;
    }
    List<LayerBlob> layers = new ArrayList<>();
    for (int i = 0; i < image.layers().size(); i++) {
      LockedDescriptor layer = image.layers().get(i);
      String label = describe() + " layer " + (i + 1) + " (" + layer.digest() + ")";
      Path target = copyBlob(layer, blobsDir, label);
      layers.add(new LayerBlob(target, layer.digest(), layer.size(), config.diffIds().get(i), uncompressedSizes.get(i),
          ociMediaType(layer.mediaType(), label), createdBy(config.history(), i)));
    }
    return layers;
  }

  private Path copyBlob(LockedDescriptor layer, Path blobsDir, String label) throws IOException {
    Path target = blobsDir == null ? null : blobsDir.resolve(layer.digest().hex());
    if (target != null && !Files.exists(target)) {
      try (VerifyingInputStream in = context.cache().open(layer.digest(), layer.size(), label);
           OutputStream out = Files.newOutputStream(target)) {
        in.transferTo(out);
        in.drainAndVerify();
      }
    }
    return target;
  }

  /**
   * Reads every layer into {@code tree} (one tree layer each, then a fresh one for what comes on top) and copies
   * the blobs into {@code blobsDir} (null: copy nothing, as a replay does). Returns the layers as the new manifest
   * lists them.
   */
  public List<LayerBlob> addTo(ImageTree tree, ImageConfig config, Path blobsDir) throws IOException {
    List<ImageConfig.History> history = config.history();
    List<LayerBlob> layers = new ArrayList<>();
    for (int i = 0; i < image.layers().size(); i++) {
      LockedDescriptor layer = image.layers().get(i);
      String label = describe() + " layer " + (i + 1) + " (" + layer.digest() + ")";
      Sha256 diffId = config.diffIds().get(i);
      long uncompressed = ingest(tree, layer, diffId, label);
      Path target = copyBlob(layer, blobsDir, label);
      layers.add(new LayerBlob(target, layer.digest(), layer.size(), diffId, uncompressed, ociMediaType(layer.mediaType(), label),
          createdBy(history, i)));
      tree.startLayer("added");
    }
    return layers;
  }

  private long ingest(ImageTree tree, LockedDescriptor layer, Sha256 diffId, String label) throws IOException {
    ArchiveFormat format = format(layer.mediaType(), label);
    MessageDigest sha256 = sha256();
    long[] count = {0};
    context.cache().read(layer.digest(), layer.size(), label, true, blob -> {
      InputStream tar = context.decompressors().tarStream(blob, format, label);
      InputStream hashed = new DigestInputStream(tar, sha256) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n > 0) {
            count[0] += n;
          }
          return n;
        }

        @Override
        public int read() throws IOException {
          int b = super.read();
          if (b >= 0) {
            count[0]++;
          }
          return b;
        }
      };
      new TarIngest(context.spool()).ingest(hashed, tree, IngestPolicy.baseLayer(context.epoch(), label));
      hashed.transferTo(OutputStream.nullOutputStream());
      return null;
    });
    Sha256 actual = Sha256.of(sha256.digest());
    if (!actual.equals(diffId)) {
      throw new HostileInputException(label + " unpacks to " + actual + " but the base config's diff_id says " + diffId
          + ": the base image is inconsistent; pick another or re-lock");
    }
    return count[0];
  }

  static ArchiveFormat format(String mediaType, String label) {
    return ArchiveFormat.of(layerType(mediaType, label).compression());
  }

  /** The same bytes under the OCI name: a Docker v2 layer is a plain or gzipped tar, exactly as OCI's. */
  static String ociMediaType(String mediaType, String label) {
    return MediaType.ociLayer(layerType(mediaType, label).compression()).toString();
  }

  private static MediaType layerType(String mediaType, String label) {
    try {
      return MediaType.layer(mediaType, label);
    } catch (OciFormatException e) {
      throw new LockException(e.getMessage() + "; sealbuild cannot build on it");
    }
  }

  /** The base's own history line for layer {@code index} (skipping empty_layer entries), when it has one. */
  private static String createdBy(List<ImageConfig.History> history, int index) {
    int seen = 0;
    for (ImageConfig.History h : history) {
      if (h.emptyLayer()) {
        continue;
      }
      if (seen++ == index) {
        return h.createdBy() == null ? "" : h.createdBy();
      }
    }
    return "";
  }

  private static MessageDigest sha256() {
    return dev.sealbuild.formats.digest.Sha256Hasher.newMessageDigest();
  }

}
