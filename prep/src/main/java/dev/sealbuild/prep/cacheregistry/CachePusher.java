package dev.sealbuild.prep.cacheregistry;

import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.lockfiles.cache.CacheArtifact;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.prep.registry.BlobPush;
import dev.sealbuild.prep.registry.ImageReference;
import dev.sealbuild.prep.registry.RegistryPusher;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.util.Objects;

/**
 * Uploads a {@link CacheArtifact} from the local vendor cache to a registry repository: the empty config, every blob
 * the registry lacks (a HEAD first, so a blob already there costs no upload; bytes checked against their digest
 * while sent), then the manifest under its tag. Through the same {@link RegistryPusher} as {@code build push}.
 */
public final class CachePusher {
  /** Told about each blob and manifest. */
  public interface Listener {
    void blob(Descriptor blob, BlobPush outcome);

    void manifest(Descriptor manifest, String reference);
  }

  /** What one artifact took. */
  public record Result(String reference, Descriptor manifest, int uploaded, long uploadedBytes, int existed) {}

  private final RegistryPusher registry;
  private final VendorCacheLayout layout;
  private final Listener listener;

  public CachePusher(RegistryPusher registry, VendorCacheLayout layout, Listener listener) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  public Result push(ImageReference repository, CacheArtifact artifact) {
    ImageReference target = new ImageReference(repository.registry(), repository.repository(), artifact.tag(), null);
    int uploaded = 0;
    int existed = 0;
    long bytes = 0;
    BlobPush config = registry.pushBlob(target, CacheArtifact.EMPTY_CONFIG_DESCRIPTOR,
        () -> new ByteArrayInputStream(CacheArtifact.EMPTY_CONFIG), null);
    if (config == BlobPush.UPLOADED) {
      uploaded++;
      bytes += CacheArtifact.EMPTY_CONFIG.length;
    } else {
      existed++;
    }
    for (Descriptor blob : artifact.blobs()) {
      BlobPush outcome = registry.pushBlob(target, blob, () -> Files.newInputStream(layout.blob(blob.digest())), null);
      listener.blob(blob, outcome);
      if (outcome == BlobPush.UPLOADED) {
        uploaded++;
        bytes += blob.size();
      } else {
        existed++;
      }
    }
    Descriptor manifest = artifact.descriptor();
    registry.putManifest(target, artifact.tag(), manifest, artifact.bytes());
    String reference = target.registry() + "/" + target.repository() + ":" + artifact.tag();
    listener.manifest(manifest, reference);
    return new Result(reference, manifest, uploaded, bytes, existed);
  }
}
