package dev.sealbuild.prep.baseimage;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.io.Failures;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.prep.cacheregistry.CacheSources;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.prep.registry.ImageReference;
import dev.sealbuild.prep.registry.Registry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Brings a pinned base image into the vendor cache by digest: the root manifest or index, each platform's manifest
 * and config, then the layers, several at once. Every blob is checked against the lock while it streams and only a
 * complete, matching blob is ever moved into the cache.
 */
public final class BaseImageFetcher {
  private final Registry registry;
  private final CacheWriter cache;
  private final int parallelism;
  private final Consumer<String> progress;
  private final CacheSources sources;

  public BaseImageFetcher(Registry registry, CacheWriter cache, int parallelism, Consumer<String> progress) {
    this(registry, cache, parallelism, progress, CacheSources.none());
  }

  /** As above, looking in the cache registries {@code sources} before the image's own registry. */
  public BaseImageFetcher(Registry registry, CacheWriter cache, int parallelism, Consumer<String> progress, CacheSources sources) {
    this.sources = Objects.requireNonNull(sources, "sources");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.registry = Objects.requireNonNull(registry, "registry");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.parallelism = parallelism;
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /** What was done: blobs fetched and blobs already in the cache. */
  public record Result(int fetched, int cached) {}

  public Result fetch(LockedBaseImage base) throws IOException {
    ImageReference repository = ImageReference.parse(base.pinned());
    int[] counts = new int[2];
    fetchManifest(repository, base.root(), "base image " + base.reference(), counts);
    Map<Sha256, LockedDescriptor> blobs = new LinkedHashMap<>();
    Map<Sha256, String> labels = new LinkedHashMap<>();
    for (LockedPlatformImage image : base.platforms()) {
      if (!image.manifest().digest().equals(base.root().digest())) {
        fetchManifest(repository, image.manifest(), "base image " + base.reference() + " " + image.platform() + " manifest", counts);
      }
      blobs.putIfAbsent(image.config().digest(), image.config());
      labels.putIfAbsent(image.config().digest(), "base image " + base.reference() + " " + image.platform() + " config");
      for (int i = 0; i < image.layers().size(); i++) {
        LockedDescriptor layer = image.layers().get(i);
        blobs.putIfAbsent(layer.digest(), layer);
        labels.putIfAbsent(layer.digest(), "base image " + base.reference() + " " + image.platform() + " layer " + (i + 1));
      }
    }
    List<Map.Entry<Sha256, LockedDescriptor>> missing = new ArrayList<>();
    for (Map.Entry<Sha256, LockedDescriptor> blob : blobs.entrySet()) {
      if (cache.contains(blob.getKey())) {
        counts[1]++;
      } else {
        missing.add(blob);
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, missing.size())), runnable -> {
      Thread t = new Thread(runnable, "sealbuild-base-image");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> running = new ArrayList<>();
      for (Map.Entry<Sha256, LockedDescriptor> blob : missing) {
        String label = labels.get(blob.getKey());
        running.add(pool.submit(() -> {
          fetchBlob(repository, blob.getValue(), label);
          return null;
        }));
      }
      for (Future<?> f : running) {
        await(f);
      }
      counts[0] += missing.size();
    } finally {
      pool.shutdownNow();
    }
    return new Result(counts[0], counts[1]);
  }

  private void fetchManifest(ImageReference repository, LockedDescriptor d, String label, int[] counts) throws IOException {
    if (cache.contains(d.digest())) {
      counts[1]++;
      return;
    }
    if (fromCacheRegistries(repository, d, label)) {
      counts[0]++;
      return;
    }
    byte[] bytes = registry.fetchManifest(repository, Descriptor.of(d.mediaType(), d.digest(), d.size()));
    cache.putWritten(d.digest(), d.size(), label, out -> out.write(bytes));
    counts[0]++;
  }

  private void fetchBlob(ImageReference repository, LockedDescriptor d, String label) throws IOException {
    progress.accept("fetching " + label + " (" + d.digest().hex().substring(0, 12) + ", " + d.size() + " bytes)");
    if (fromCacheRegistries(repository, d, label)) {
      return;
    }
    cache.putWritten(d.digest(), d.size(), label, out -> registry.fetchBlob(repository, d.digest(), d.size(), out));
  }

  /** True when a cache registry had it; with --offline-upstream, an error when none had. */
  private boolean fromCacheRegistries(ImageReference repository, LockedDescriptor d, String label) {
    if (sources.isEmpty() && !sources.offlineUpstream()) {
      return false;
    }
    List<String> tried = new ArrayList<>();
    if (sources.fetchInto(cache, d.digest(), d.size(), label, total -> {}, tried)) {
      return true;
    }
    if (sources.offlineUpstream()) {
      throw CacheSources.missing(label, d.digest(), tried, "registry " + repository.registry() + "/" + repository.repository());
    }
    return false;
  }

  private static void await(Future<?> f) throws IOException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching the base image", e);
    } catch (ExecutionException e) {
      throw Failures.rethrow(e.getCause());
    }
  }
}
