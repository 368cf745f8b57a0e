package dev.sealbuild.cli;

import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.lockfiles.digest.Sha256;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.prep.fetch.DownloadedBlob;
import dev.sealbuild.prep.fetch.FetchSettings;
import dev.sealbuild.prep.fetch.HttpFetcher;
import dev.sealbuild.prep.fetch.PrepDownloader;
import dev.sealbuild.prep.fetch.ProgressReporter;
import dev.sealbuild.prep.lock.Downloader;
import dev.sealbuild.prep.lock.Locker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Wires the online side (HTTP fetcher, cache writer, progress) for lock and prep. */
final class PrepServices implements AutoCloseable {
  /** Files downloaded only to hash them at lock time may be large (rootfs tarballs), but not unbounded. */
  private static final long MAX_UNPINNED_BYTES = 8L << 30;

  private final CacheWriter cache;
  private final PrepDownloader downloader;

  private PrepServices(CacheWriter cache, PrepDownloader downloader) {
    this.cache = cache;
    this.downloader = downloader;
  }

  static PrepServices create(Environment env, Path cacheOption, PrintStream err) {
    return create(env, cacheOption, err, PrepDownloader.DEFAULT_PARALLELISM);
  }

  static PrepServices create(Environment env, Path cacheOption, PrintStream err, int jobs) {
    VendorCacheLayout layout = env.cache(cacheOption);
    CacheWriter cache = CacheWriter.open(layout);
    HttpFetcher fetcher = new HttpFetcher(FetchSettings.defaults(env.variables()));
    ProgressReporter progress = ProgressReporter.choose(System.console() != null, err);
    PrepDownloader downloader = new PrepDownloader(fetcher, cache, progress, jobs);
    // A Ctrl-C removes partial downloads; a kill -9 leaves them in tmp/, cleaned at the next prep.
    Runtime.getRuntime().addShutdownHook(new Thread(downloader::cancel, "sealbuild-cancel-downloads"));
    return new PrepServices(cache, downloader);
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

  @Override
  public void close() {
    downloader.cancel();
  }
}
