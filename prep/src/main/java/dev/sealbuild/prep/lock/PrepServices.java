package dev.sealbuild.prep.lock;

import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.prep.cacheregistry.CacheFrom;
import dev.sealbuild.prep.cacheregistry.CacheSources;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.prep.fetch.DownloadLimit;
import dev.sealbuild.prep.fetch.DownloadedBlob;
import dev.sealbuild.prep.fetch.FetchJob;
import dev.sealbuild.prep.http.Transport;
import dev.sealbuild.prep.http.TransportRequest;
import dev.sealbuild.prep.packages.AlpineLocker;
import dev.sealbuild.prep.packages.BaseFiles;
import dev.sealbuild.formats.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import dev.sealbuild.prep.fetch.PrepDownloader;
import dev.sealbuild.prep.fetch.ProgressReporter;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.prep.baseimage.BaseImageFetcher;
import dev.sealbuild.prep.baseimage.BaseImageLocker;
import dev.sealbuild.prep.baseimage.LayerStreams;
import dev.sealbuild.prep.packages.LockedBase;
import dev.sealbuild.prep.registry.Registry;
import dev.sealbuild.prep.registry.RegistrySettings;
import dev.sealbuild.prep.registry.RemoteRegistry;
import java.io.PrintWriter;
import java.util.Map;
import dev.sealbuild.prep.packages.PackageException;
import java.nio.file.Files;

/** Wires the online side (the HTTP transport, cache writer, progress, registry) for the {@link Locker} and the {@link Preparer}. */
public final class PrepServices implements AutoCloseable {
  private static final int MAX_INDEX_BYTES = 64 << 20;
  private final CacheWriter cache;
  private final PrepDownloader downloader;
  private final Transport transport;
  private final RegistrySettings registrySettings;
  private final PrintWriter err;
  private final DownloadLimit limit;
  private final Thread cancelOnExit;
  private final CacheSources sources;
  private RemoteRegistry registry;

  private PrepServices(CacheWriter cache, PrepDownloader downloader, Transport transport, RegistrySettings registrySettings,
      PrintWriter err, DownloadLimit limit, Thread cancelOnExit, CacheSources sources) {
    this.sources = sources;
    this.limit = limit;
    this.cache = cache;
    this.downloader = downloader;
    this.transport = transport;
    this.registrySettings = registrySettings;
    this.err = err;
    this.cancelOnExit = cancelOnExit;
  }

  /**
   * The services over the cache at {@code layout}, with proxies and timeouts from {@code environment}; progress and
   * warnings go to {@code err} (a redrawn bar when {@code terminal}).
   */
  public static PrepServices create(VendorCacheLayout layout, Map<String, String> environment, PrintWriter err, boolean terminal,
      int jobs, RegistrySettings registrySettings) {
    return create(layout, environment, err, terminal, jobs, registrySettings, DownloadLimit.choose(null, environment));
  }

  /** As above, with {@code limit} bounding every download whose size is not known yet. */
  public static PrepServices create(VendorCacheLayout layout, Map<String, String> environment, PrintWriter err, boolean terminal,
      int jobs, RegistrySettings registrySettings, DownloadLimit limit) {
    return create(layout, environment, err, terminal, jobs, registrySettings, limit, CacheFrom.none());
  }

  /** As above, looking in the cache registries of {@code from} before any upstream source (build prep --from). */
  public static PrepServices create(VendorCacheLayout layout, Map<String, String> environment, PrintWriter err, boolean terminal,
      int jobs, RegistrySettings registrySettings, DownloadLimit limit, CacheFrom from) {
    CacheWriter cache = CacheWriter.open(layout);
    Transport transport = Transport.fromEnvironment(environment);
    ProgressReporter progress = ProgressReporter.choose(terminal, err);
    RemoteRegistry registry = from.repositories().isEmpty() ? null : new RemoteRegistry(registrySettings, transport);
    CacheSources sources = from.repositories().isEmpty() && !from.offlineUpstream() ? CacheSources.none()
        : new CacheSources(registry, from, err::println);
    PrepDownloader downloader = new PrepDownloader(transport, cache, progress, jobs, limit, sources);
    // A Ctrl-C removes partial downloads; a kill -9 leaves them in tmp/, cleaned at the next prep.
    Thread cancelOnExit = new Thread(downloader::cancel, "sealbuild-cancel-downloads");
    Runtime.getRuntime().addShutdownHook(cancelOnExit);
    PrepServices services = new PrepServices(cache, downloader, transport, registrySettings, err, limit, cancelOnExit, sources);
    services.registry = registry;
    return services;
  }

  public CacheWriter cache() {
    return cache;
  }

  public PrepDownloader prepDownloader() {
    return downloader;
  }

  /** Lock-time downloads, each bounded by the download limit since nothing records their size yet. */
  public Downloader downloader() {
    return new Downloader() {
      @Override
      public Pinned download(URI url, String label) {
        DownloadedBlob blob = downloader.fetchUnpinned(label, url, limit.maxBytes());
        return new Pinned(blob.sha256(), blob.size());
      }

      @Override
      public Pinned downloadPinned(URI url, String label, Sha256 expected) {
        DownloadedBlob blob = downloader.fetchToLearnSize(label, url, expected, limit.maxBytes());
        return new Pinned(blob.sha256(), blob.size());
      }
    };
  }

  public Locker.LocalImporter importer() {
    return (file, label) -> {
      if (!Files.isRegularFile(file)) {
        throw new PackageException(label + ": no such file " + file);
      }
      Sha256 digest = cache.importFile(file);
      return new Downloader.Pinned(digest, Files.size(file));
    };
  }

  /** Alpine lock-time access: signed indexes into memory, packages into the cache, the base's database. */
  public AlpineLocker.Transport alpineTransport() {
    return new AlpineLocker.Transport() {
      @Override
      public byte[] fetchIndex(URI url, String label) {
        return transport.fetchSmall(TransportRequest.get(label, url), MAX_INDEX_BYTES);
      }

      @Override
      public Pinned fetchPackage(URI url, String label) {
        DownloadedBlob blob = downloader.fetchUnpinned(label, url, limit.maxBytes());
        return new Pinned(blob.sha256(), blob.size());
      }

      @Override
      public InputStream openCached(Sha256 digest) throws IOException {
        return Files.newInputStream(cache.layout().blob(digest));
      }

      @Override
      public void discard(Sha256 digest) throws IOException {
        Files.deleteIfExists(cache.layout().blob(digest));
      }

      @Override
      public BaseFiles.Found baseFiles(LockedBase base, Platform platform, boolean mayDownload) throws IOException {
        return baseReader().read(base, platform, mayDownload);
      }
    };
  }

  /** The registry client, made on first use (most builds never talk to a registry). */
  public synchronized Registry registry() {
    if (registry == null) {
      registry = new RemoteRegistry(registrySettings, transport);
    }
    return registry;
  }

  public Locker.BaseImages baseImages() {
    return (reference, platforms, previous) -> new BaseImageLocker(registry()).lock(reference, platforms, previous);
  }

  public BaseImageFetcher baseImageFetcher(int jobs) {
    return new BaseImageFetcher(registry(), cache, jobs, err::println, sources);
  }

  /**
   * Reads the package lockers' files from a locked base: a rootfs tarball (downloaded into the cache if it is not
   * there yet) or the layers of the base image's manifest for {@code platform} (the first when none matches), fetched
   * into the cache first, as prep would. A dry run reads only what is already cached, and null otherwise.
   */
  public BaseFiles.Reader baseReader() {
    return (base, platform, mayDownload) -> base.image() != null ? imageFiles(base.image(), platform, mayDownload)
        : rootfsFiles(base.rootfs(), mayDownload);
  }

  private BaseFiles.Found rootfsFiles(LockedRootfs rootfs, boolean mayDownload) throws IOException {
    if (!cache.contains(rootfs.sha256()) && !mayDownload) {
      err.println("warning: base rootfs " + rootfs.source() + " is not in the cache, so this dry run resolves as on an"
          + " empty root; import it with build cache import to include what it already has");
      return null;
    }
    if (!cache.contains(rootfs.sha256())) {
      URI url = URI.create(rootfs.source());
      if (url.getScheme() == null) {
        throw new PackageException("base rootfs " + rootfs.source() + " is not in the cache; run build lock again");
      }
      downloader.downloadAll(List.of(new FetchJob("base rootfs", url, rootfs.sha256(), rootfs.size())));
    }
    try (InputStream in = Files.newInputStream(cache.layout().blob(rootfs.sha256()))) {
      return BaseFiles.readRootfs(in, rootfs.source(), BaseFiles.PACKAGE_FILES);
    }
  }

  private BaseFiles.Found imageFiles(LockedBaseImage image, Platform platform, boolean mayDownload) throws IOException {
    LockedPlatformImage chosen = image.platforms().stream().filter(p -> p.platform().equals(platform)).findFirst()
        .orElse(image.platforms().get(0));
    if (!mayDownload && !chosen.layers().stream().allMatch(l -> cache.contains(l.digest()))) {
      err.println("warning: base image " + image.reference() + " is not in the cache, so this dry run resolves as on an"
          + " empty root; run build prep first to include what it already has");
      return null;
    }
    baseImageFetcher(PrepDownloader.DEFAULT_PARALLELISM).fetch(image);
    List<BaseFiles.Layer> layers = new java.util.ArrayList<>();
    for (int i = 0; i < chosen.layers().size(); i++) {
      LockedDescriptor layer = chosen.layers().get(i);
      String label = "base image " + image.reference() + " layer " + (i + 1);
      layers.add(new BaseFiles.Layer(label, () -> LayerStreams.tar(
          Files.newInputStream(cache.layout().blob(layer.digest())), layer.mediaType(), label)));
    }
    return BaseFiles.readLayers("base image " + image.reference(), layers, BaseFiles.PACKAGE_FILES);
  }

  /** The cache registries prep looks in first (none unless build prep --from). */
  public CacheSources cacheSources() {
    return sources;
  }

  public Transport transport() {
    return transport;
  }

  @Override
  public synchronized void close() {
    downloader.cancel();
    try {
      Runtime.getRuntime().removeShutdownHook(cancelOnExit);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs anyway
    }
    if (registry != null) {
      registry.close();
    }
    transport.close();
  }
}
