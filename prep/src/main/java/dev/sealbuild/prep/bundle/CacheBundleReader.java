package dev.sealbuild.prep.bundle;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.Manifest;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.OciDocument;
import dev.sealbuild.formats.oci.OciFormatException;
import dev.sealbuild.lockfiles.cache.CacheArtifact;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.prep.push.OciLayoutReader;
import dev.sealbuild.prep.push.PushException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * {@code build cache import BUNDLE}: brings the blobs of a cache bundle ({@link CacheBundleWriter}, or the same
 * artifacts copied out of a registry by skopeo or oras) into the vendor cache. The archive is read in place by the
 * layout reader {@code build push} uses (guarded headers, no extraction). Every blob is checked against its
 * descriptor before any enters the cache, and again while it is copied in through the cache writer (tmp/, then an
 * atomic rename), so a corrupt bundle changes nothing.
 */
public final class CacheBundleReader {
  private final CacheWriter cache;

  public CacheBundleReader(CacheWriter cache) {
    this.cache = cache;
  }

  /** What an import did. */
  public record Result(int artifacts, int imported, int alreadyCached, long importedBytes) {}

  /**
   * True when {@code file} is a tar holding an OCI image layout ({@code oci-layout} and {@code index.json} at its
   * top): a bundle rather than a single file to import by its sha256. Only headers are read.
   */
  public static boolean isBundle(Path file) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
      byte[] header = raw.readNBytes(512);
      if (header.length < 512 || !new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
        return false;
      }
      try (TarArchiveInputStream tar = new TarArchiveInputStream(new java.io.SequenceInputStream(
          new java.io.ByteArrayInputStream(header), raw))) {
        boolean layout = false;
        boolean index = false;
        for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
          String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
          layout |= name.equals("oci-layout");
          index |= name.equals("index.json");
          if (layout && index) {
            return true;
          }
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  public Result importBundle(Path file) {
    try (OciLayoutReader bundle = OciLayoutReader.archive(file)) {
      Map<Sha256, Descriptor> blobs = new TreeMap<>();
      int artifacts = 0;
      for (Descriptor root : bundle.entries()) {
        String what = "manifest " + root.digest();
        if (!root.is(MediaType.OCI_MANIFEST)) {
          throw new BundleException(bundle.label() + ": " + what + " is a " + root.mediaType()
              + ", not a sealbuild cache artifact: export bundles with build cache export");
        }
        Manifest manifest = parse(bundle.readManifest(root, what), what);
        if (!CacheArtifact.ARTIFACT_TYPE.equals(manifest.artifactType())) {
          throw new BundleException(bundle.label() + ": " + what + " has artifactType " + manifest.artifactType()
              + ", not " + CacheArtifact.ARTIFACT_TYPE + ": not a sealbuild cache bundle; export one with build cache export");
        }
        manifest.layers().forEach(layer -> blobs.putIfAbsent(layer.digest(), layer));
        artifacts++;
      }
      for (Descriptor blob : blobs.values()) {
        bundle.verify(blob, "blob");
      }
      int imported = 0;
      int cached = 0;
      long bytes = 0;
      for (Descriptor blob : blobs.values()) {
        if (cache.contains(blob.digest())) {
          cached++;
          continue;
        }
        String label = blob.annotations().getOrDefault(CacheArtifact.ENTRY_ANNOTATION, "blob " + blob.digest());
        try (InputStream in = bundle.open(blob)) {
          cache.put(in, blob.digest(), blob.size(), label, bundle.label());
        }
        imported++;
        bytes += blob.size();
      }
      return new Result(artifacts, imported, cached, bytes);
    } catch (PushException e) {
      throw new BundleException("cannot import " + e.getMessage().replace("; build it again", "") + "; export the bundle again", e);
    } catch (IOException e) {
      throw new BundleException("cannot import " + file + ": " + e.getMessage() + "; export the bundle again", e);
    }
  }

  private static Manifest parse(byte[] bytes, String what) {
    try {
      if (OciDocument.parse(bytes, MediaType.OCI_MANIFEST.toString(), what) instanceof Manifest manifest) {
        return manifest;
      }
      throw new BundleException(what + " is not an image manifest");
    } catch (OciFormatException e) {
      throw new BundleException(e.getMessage(), e);
    }
  }
}
