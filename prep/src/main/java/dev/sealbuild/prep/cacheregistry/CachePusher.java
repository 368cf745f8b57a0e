package dev.sealbuild.prep.cacheregistry;

import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.lockfiles.cache.CacheArtifact;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.prep.registry.BlobPush;
import dev.sealbuild.prep.registry.ImageReference;
import dev.sealbuild.prep.registry.RegistryPusher;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
  public record Result(String reference, Descriptor manifest, int uploaded, long uploadedBytes, int existed, int mounted) {}

  private final RegistryPusher registry;
  private final VendorCacheLayout layout;
  private final Listener listener;
  private final int parallelism;

  public CachePusher(RegistryPusher registry, VendorCacheLayout layout, Listener listener) {
    this(registry, layout, listener, 1);
  }

  /** As above, sending up to {@code parallelism} blobs at once (the listener is then called from several threads). */
  public CachePusher(RegistryPusher registry, VendorCacheLayout layout, Listener listener, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.registry = Objects.requireNonNull(registry, "registry");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.parallelism = parallelism;
  }

  public Result push(ImageReference repository, CacheArtifact artifact) {
    return push(repository, artifact, null);
  }

  /**
   * As {@link #push(ImageReference, CacheArtifact)}; a blob {@code repository} lacks is first mounted from
   * {@code mountFrom} (another repository of the same registry, or null), where the registry allows it, so its
   * bytes are not sent again.
   */
  public Result push(ImageReference repository, CacheArtifact artifact, String mountFrom) {
    ImageReference target = new ImageReference(repository.registry(), repository.repository(), artifact.tag(), null);
    int uploaded = 0;
    int existed = 0;
    int mounted = 0;
    long bytes = 0;
    BlobPush config = registry.pushBlob(target, CacheArtifact.EMPTY_CONFIG_DESCRIPTOR,
        () -> new ByteArrayInputStream(CacheArtifact.EMPTY_CONFIG), mountFrom);
    if (config == BlobPush.UPLOADED) {
      uploaded++;
      bytes += CacheArtifact.EMPTY_CONFIG.length;
    } else if (config == BlobPush.MOUNTED) {
      mounted++;
    } else {
      existed++;
    }
    // The config went first, alone: the registry is known reachable before blobs go out in parallel.
    List<BlobPush> outcomes = pushAll(target, artifact.blobs(), mountFrom);
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i) == BlobPush.UPLOADED) {
        uploaded++;
        bytes += artifact.blobs().get(i).size();
      } else if (outcomes.get(i) == BlobPush.MOUNTED) {
        mounted++;
      } else {
        existed++;
      }
    }
    Descriptor manifest = artifact.descriptor();
    registry.putManifest(target, artifact.tag(), manifest, artifact.bytes());
    String reference = target.registry() + "/" + target.repository() + ":" + artifact.tag();
    listener.manifest(manifest, reference);
    return new Result(reference, manifest, uploaded, bytes, existed, mounted);
  }

  private List<BlobPush> pushAll(ImageReference target, List<Descriptor> blobs, String mountFrom) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, blobs.size())), runnable -> {
      Thread thread = new Thread(runnable, "sealbuild-cache-push");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<BlobPush>> running = new ArrayList<>();
      for (Descriptor blob : blobs) {
        running.add(pool.submit(() -> {
          BlobPush outcome = registry.pushBlob(target, blob, () -> Files.newInputStream(layout.blob(blob.digest())),
              mountFrom);
          synchronized (listener) {
            listener.blob(blob, outcome);
          }
          return outcome;
        }));
      }
      List<BlobPush> outcomes = new ArrayList<>();
      for (Future<BlobPush> future : running) {
        outcomes.add(await(future));
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  private static BlobPush await(Future<BlobPush> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheRegistryException("interrupted while pushing the cache", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new CacheRegistryException(String.valueOf(e.getCause().getMessage()), e.getCause());
    }
  }
}
