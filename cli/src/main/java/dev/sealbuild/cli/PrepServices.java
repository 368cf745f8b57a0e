package dev.sealbuild.cli;

import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.prep.fetch.DownloadedBlob;
import dev.sealbuild.prep.fetch.FetchJob;
import dev.sealbuild.prep.fetch.FetchRequest;
import dev.sealbuild.prep.packages.AlpineLocker;
import dev.sealbuild.prep.packages.BaseApkDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import dev.sealbuild.prep.fetch.FetchSettings;
import dev.sealbuild.prep.fetch.HttpFetcher;
import dev.sealbuild.prep.fetch.PrepDownloader;
import dev.sealbuild.prep.fetch.ProgressReporter;
import dev.sealbuild.prep.lock.Downloader;
import dev.sealbuild.prep.lock.Locker;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.prep.baseimage.BaseImageFetcher;
import dev.sealbuild.prep.baseimage.BaseImageLocker;
import dev.sealbuild.prep.baseimage.LayerMediaTypes;
import dev.sealbuild.prep.packages.LockedBase;
import dev.sealbuild.prep.registry.Registry;
import dev.sealbuild.prep.registry.RegistrySettings;
import dev.sealbuild.prep.registry.RemoteRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Wires the online side (HTTP fetcher, cache writer, progress) for lock and prep. */
final class PrepServices implements AutoCloseable {
  /** Files downloaded only to hash them at lock time may be large (rootfs tarballs), but not unbounded. */
  private static final long MAX_UNPINNED_BYTES = 8L << 30;

  private static final int MAX_INDEX_BYTES = 64 << 20;
  private final CacheWriter cache;
  private final PrepDownloader downloader;
  private final HttpFetcher fetcher;
  private final RegistrySettings registrySettings;
  private RemoteRegistry registry;

  private PrepServices(CacheWriter cache, PrepDownloader downloader, HttpFetcher fetcher, RegistrySettings registrySettings) {
    this.cache = cache;
    this.downloader = downloader;
    this.fetcher = fetcher;
    this.registrySettings = registrySettings;
  }

  static PrepServices create(Environment env, Path cacheOption, PrintStream err, RegistrySettings registrySettings) {
    return create(env, cacheOption, err, PrepDownloader.DEFAULT_PARALLELISM, registrySettings);
  }

  static PrepServices create(Environment env, Path cacheOption, PrintStream err, int jobs, RegistrySettings registrySettings) {
    VendorCacheLayout layout = env.cache(cacheOption);
    CacheWriter cache = CacheWriter.open(layout);
    HttpFetcher fetcher = new HttpFetcher(FetchSettings.defaults(env.variables()));
    ProgressReporter progress = ProgressReporter.choose(System.console() != null, err);
    PrepDownloader downloader = new PrepDownloader(fetcher, cache, progress, jobs);
    // A Ctrl-C removes partial downloads; a kill -9 leaves them in tmp/, cleaned at the next prep.
    Runtime.getRuntime().addShutdownHook(new Thread(downloader::cancel, "sealbuild-cancel-downloads"));
    return new PrepServices(cache, downloader, fetcher, registrySettings);
  }

  CacheWriter cache() {
    return cache;
  }

  PrepDownloader prepDownloader() {
    return downloader;
  }

  Downloader downloader() {
    return (url, label) -> {
      DownloadedBlob blob = downloader.fetchUnpinned(label, url, MAX_UNPINNED_BYTES);
      return new Downloader.Pinned(blob.sha256(), blob.size());
    };
  }

  Locker.LocalImporter importer() {
    return (file, label) -> {
      if (!Files.isRegularFile(file)) {
        throw new CliException(label + ": no such file " + file);
      }
      Sha256 digest = cache.importFile(file);
      return new Downloader.Pinned(digest, Files.size(file));
    };
  }

  /** Alpine lock-time access: signed indexes into memory, packages into the cache, the base's database. */
  AlpineLocker.Transport alpineTransport(HttpFetcher fetcher) {
    return new AlpineLocker.Transport() {
      @Override
      public byte[] fetchIndex(URI url, String label) {
        return fetcher.fetchSmall(FetchRequest.of(label, url), MAX_INDEX_BYTES);
      }

      @Override
      public Pinned fetchPackage(URI url, String label) {
        DownloadedBlob blob = downloader.fetchUnpinned(label, url, MAX_UNPINNED_BYTES);
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
      public BaseDatabase baseDatabase(LockedBase base, boolean mayDownload) throws IOException {
        if (base.image() != null) {
          return imageDatabase(base.image(), mayDownload);
        }
        LockedRootfs rootfs = base.rootfs();
        if (!cache.contains(rootfs.sha256()) && !mayDownload) {
          System.err.println("warning: base rootfs " + rootfs.source() + " is not in the cache, so this dry run resolves as on an"
              + " empty root; import it with build cache import to include what it already has");
          return null;
        }
        if (!cache.contains(rootfs.sha256())) {
          URI url = URI.create(rootfs.source());
          if (url.getScheme() == null) {
            throw new CliException("base rootfs " + rootfs.source() + " is not in the cache; run build lock again");
          }
          downloader.downloadAll(List.of(new FetchJob("base rootfs", url, rootfs.sha256(), rootfs.size())));
        }
        try (InputStream in = Files.newInputStream(cache.layout().blob(rootfs.sha256()))) {
          return BaseApkDatabase.read(in, rootfs.source());
        }
      }
    };
  }

  /** The registry client, made on first use (most builds never talk to a registry). */
  synchronized Registry registry() {
    if (registry == null) {
      registry = new RemoteRegistry(registrySettings);
    }
    return registry;
  }

  Locker.BaseImages baseImages() {
    return (reference, platforms, previous) -> new BaseImageLocker(registry()).lock(reference, platforms, previous);
  }

  BaseImageFetcher baseImageFetcher(int jobs) {
    return new BaseImageFetcher(registry(), cache, jobs, System.err::println);
  }

  /**
   * The apk database of a base image, from its first platform's layers (Alpine images have the same packages on
   * every architecture). The layers are fetched into the cache first, as prep would.
   */
  private AlpineLocker.Transport.BaseDatabase imageDatabase(LockedBaseImage image, boolean mayDownload) throws IOException {
    LockedPlatformImage first = image.platforms().get(0);
    if (!mayDownload && !first.layers().stream().allMatch(l -> cache.contains(l.digest()))) {
      System.err.println("warning: base image " + image.reference() + " is not in the cache, so this dry run resolves as on an"
          + " empty root; run build prep first to include what it already has");
      return null;
    }
    baseImageFetcher(PrepDownloader.DEFAULT_PARALLELISM).fetch(image);
    List<BaseApkDatabase.Layer> layers = new java.util.ArrayList<>();
    for (int i = 0; i < first.layers().size(); i++) {
      LockedDescriptor layer = first.layers().get(i);
      String label = "base image " + image.reference() + " layer " + (i + 1);
      layers.add(new BaseApkDatabase.Layer(label, () -> LayerMediaTypes.decompress(
          Files.newInputStream(cache.layout().blob(layer.digest())), layer.mediaType(), label)));
    }
    return BaseApkDatabase.readLayers(layers);
  }

  HttpFetcher fetcher() {
    return fetcher;
  }

  @Override
  public synchronized void close() {
    downloader.cancel();
    if (registry != null) {
      registry.close();
    }
  }
}
