package dev.sealbuild.prep.fetch;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.cache.CacheException;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.prep.cache.ContentMismatchException;
import dev.sealbuild.prep.cacheregistry.CacheSources;
import dev.sealbuild.prep.http.Failures;
import dev.sealbuild.prep.http.Transport;
import dev.sealbuild.prep.http.TransportCancelledException;
import dev.sealbuild.prep.http.TransportException;
import dev.sealbuild.prep.http.TransportRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Downloads the lock's files into the vendor cache, a few at a time. Entries already cached are
 * skipped without any request; every download is verified against the lock's sha256 (and size)
 * before it appears in {@code blobs/}. All entries are attempted; failures are collected and
 * reported together once the running downloads have finished.
 */
public final class PrepDownloader {
  public static final int DEFAULT_PARALLELISM = 4;

  private final Transport transport;
  private final CacheWriter cache;
  private final ProgressReporter progress;
  private final int parallelism;
  private final DownloadLimit limit;
  private final CacheSources sources;
  private final AtomicReference<ExecutorService> running = new AtomicReference<>();
  private final AtomicBoolean cancelled = new AtomicBoolean();

  public PrepDownloader(Transport transport, CacheWriter cache, ProgressReporter progress) {
    this(transport, cache, progress, DEFAULT_PARALLELISM);
  }

  public PrepDownloader(Transport transport, CacheWriter cache, ProgressReporter progress, int parallelism) {
    this(transport, cache, progress, parallelism, DownloadLimit.DEFAULT);
  }

  /** {@code limit} bounds every download whose size the lock does not record; a recorded size bounds the rest. */
  public PrepDownloader(Transport transport, CacheWriter cache, ProgressReporter progress, int parallelism,
      DownloadLimit limit) {
    this(transport, cache, progress, parallelism, limit, CacheSources.none());
  }

  /** As above, looking in the cache registries {@code sources} before each job's URL. */
  public PrepDownloader(Transport transport, CacheWriter cache, ProgressReporter progress, int parallelism,
      DownloadLimit limit, CacheSources sources) {
    this.sources = Objects.requireNonNull(sources, "sources");
    this.limit = Objects.requireNonNull(limit, "limit");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.progress = Objects.requireNonNull(progress, "progress");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    this.parallelism = parallelism;
  }

  /**
   * Makes sure every job's blob is in the cache.
   *
   * @return one result per job, in the order of {@code jobs}
   * @throws DownloadFailedException naming the first failed entry and how many failed
   * @throws TransportCancelledException if {@link #cancel()} was called or this thread was interrupted
   */
  public List<DownloadResult> downloadAll(List<FetchJob> jobs) {
    List<FetchJob> all = List.copyOf(jobs);
    cancelled.set(false);
    DownloadResult[] results = new DownloadResult[all.size()];
    Map<Sha256, Integer> firstWithDigest = new HashMap<>();
    List<Integer> alreadyCached = new ArrayList<>();
    List<Integer> toFetch = new ArrayList<>();
    List<Integer> sameAsEarlier = new ArrayList<>();
    long bytesToFetch = 0;
    for (int i = 0; i < all.size(); i++) {
      FetchJob job = all.get(i);
      if (firstWithDigest.putIfAbsent(job.sha256(), i) != null) {
        sameAsEarlier.add(i);
      } else if (cache.contains(job.sha256())) {
        alreadyCached.add(i);
      } else {
        toFetch.add(i);
        bytesToFetch = bytesToFetch < 0 || job.size() == null ? -1 : bytesToFetch + job.size();
      }
    }
    progress.start(all.size(), bytesToFetch);
    try {
      for (int i : alreadyCached) {
        results[i] = new DownloadResult(all.get(i), DownloadResult.Outcome.CACHED, sizeOfCached(all.get(i)));
        progress.cached(all.get(i));
      }
      Map<Integer, String> failures = runAll(all, toFetch, results);
      if (cancelled.get()) {
        long fetched = Arrays.stream(results).filter(r -> r != null && r.outcome() == DownloadResult.Outcome.FETCHED).count();
        throw new TransportCancelledException("download cancelled after fetching " + fetched + " of " + toFetch.size()
            + " entries; partial files were removed, run build prep again to continue");
      }
      for (int i : sameAsEarlier) {
        DownloadResult first = results[firstWithDigest.get(all.get(i).sha256())];
        if (first != null) {
          results[i] = new DownloadResult(all.get(i), DownloadResult.Outcome.CACHED, first.size());
          progress.cached(all.get(i));
        }
      }
      if (!failures.isEmpty()) {
        throw new DownloadFailedException(List.copyOf(failures.values()), all.size());
      }
      return List.of(results);
    } finally {
      progress.finish();
    }
  }

  /**
   * Downloads a file the lock does not pin yet ({@code build lock}) into the cache, reading at most
   * {@code maxBytes}, and returns its digest and size.
   */
  public DownloadedBlob fetchUnpinned(String label, URI url, long maxBytes) {
    return fetchToLearnSize(label, url, null, maxBytes);
  }

  /**
   * Downloads a file whose digest is known but whose size is not ({@code build lock} with a spec that pins only
   * sha256), reading at most {@code maxBytes}; the content must hash to {@code expected}. A blob already cached is
   * not downloaded again.
   */
  public DownloadedBlob fetchToLearnSize(String label, URI url, Sha256 expected, long maxBytes) {
    if (expected != null && cache.contains(expected)) {
      return new DownloadedBlob(expected, sizeOfCached(new FetchJob(label, url, expected, null)));
    }
    TransportRequest request = TransportRequest.get(label, url);
    return transport.fetch(request, body -> {
      refuseAnnouncedOverLimit(label, url, body.contentLength(), maxBytes);
      CountingInputStream counted = new CountingInputStream(body.stream(), maxBytes, () -> {
        throw tooLarge(label, url, maxBytes);
      }, total -> {});
      Sha256 digest = cache.put(counted, expected, null, label, Failures.redact(url));
      return new DownloadedBlob(digest, counted.count());
    });
  }

  private static void refuseAnnouncedOverLimit(String label, URI url, OptionalLong announced, long maxBytes) {
    if (announced.isPresent() && announced.getAsLong() > maxBytes) {
      throw new TransportException(TransportException.Failure.TOO_LARGE, Failures.text(label, url,
          "the server announces " + announced.getAsLong() + " bytes, more than the download limit of "
              + HumanBytes.format(maxBytes) + " (" + maxBytes + " bytes)",
          "check the URL, or raise the limit with --max-download SIZE or " + DownloadLimit.VARIABLE));
    }
  }

  private static TransportException tooLarge(String label, URI url, long maxBytes) {
    return new TransportException(TransportException.Failure.TOO_LARGE, Failures.text(label, url,
        "the server sent more than the download limit of " + HumanBytes.format(maxBytes) + " (" + maxBytes
            + " bytes); the partial file was removed",
        "check the URL, or raise the limit with --max-download SIZE or " + DownloadLimit.VARIABLE));
  }

  /**
   * Stops a running {@link #downloadAll}: running downloads are interrupted (their partial files
   * removed) and queued ones never start. Safe to call from another thread or a shutdown hook.
   */
  public void cancel() {
    cancelled.set(true);
    ExecutorService pool = running.get();
    if (pool != null) {
      for (Runnable neverStarted : pool.shutdownNow()) {
        if (neverStarted instanceof Future<?> future) {
          future.cancel(false);
        }
      }
    }
  }

  private Map<Integer, String> runAll(List<FetchJob> all, List<Integer> toFetch, DownloadResult[] results) {
    Map<Integer, String> failures = new LinkedHashMap<>();
    if (toFetch.isEmpty()) {
      return failures;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, toFetch.size()), daemonThreads());
    running.set(pool);
    boolean interrupted = false;
    try {
      Map<Integer, Future<DownloadResult>> futures = new LinkedHashMap<>();
      for (int i : toFetch) {
        FetchJob job = all.get(i);
        futures.put(i, pool.submit(() -> download(job)));
      }
      if (cancelled.get()) {
        cancel(); // cancel() raced with submission: make sure nothing queued is left
      }
      pool.shutdown();
      for (Map.Entry<Integer, Future<DownloadResult>> entry : futures.entrySet()) {
        while (true) {
          try {
            results[entry.getKey()] = entry.getValue().get();
            break;
          } catch (ExecutionException e) {
            failures.put(entry.getKey(), messageOf(all.get(entry.getKey()), e.getCause()));
            break;
          } catch (CancellationException e) {
            break;
          } catch (InterruptedException e) {
            interrupted = true;
            cancel();
          }
        }
      }
    } finally {
      running.set(null);
      pool.shutdownNow();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return failures;
  }

  private DownloadResult download(FetchJob job) {
    try {
      List<String> tried = new ArrayList<>();
      if (sources.fetchInto(cache, job.sha256(), job.size(), job.label(), total -> progress.progress(job, total), tried)) {
        long size = sizeOfCached(job);
        progress.fetched(job, size, job.sha256());
        return new DownloadResult(job, DownloadResult.Outcome.FETCHED, size);
      }
      if (sources.offlineUpstream()) {
        throw CacheSources.missing(job.label(), job.sha256(), tried, Failures.redact(job.url()));
      }
      TransportRequest request = TransportRequest.get(job.label(), job.url());
      DownloadedBlob blob = tried.isEmpty() ? withFallbacks(job, request) : afterRegistries(job, request, tried);
      progress.fetched(job, blob.size(), blob.sha256());
      return new DownloadResult(job, DownloadResult.Outcome.FETCHED, blob.size());
    } catch (RuntimeException e) {
      if (!(e instanceof TransportCancelledException)) {
        progress.failed(job, messageOf(job, e));
      }
      throw e;
    }
  }

  /** The upstream download, its failure naming the cache registries that were asked first. */
  private DownloadedBlob afterRegistries(FetchJob job, TransportRequest request, List<String> tried) {
    try {
      return withFallbacks(job, request);
    } catch (TransportCancelledException e) {
      throw e;
    } catch (TransportException e) {
      throw new TransportException(e.failure(), e.getMessage() + " (cache registries asked first: " + String.join("; ", tried) + ")", e);
    } catch (CacheException e) {
      throw new CacheException(e.getMessage() + " (cache registries asked first: " + String.join("; ", tried) + ")", e);
    }
  }

  /**
   * The job's URL, then each fallback in turn (a snapshot archive, a {@code files:} entry's mirrors) when it fails or
   * serves other bytes; the error after the last names every source, and when all answered 404, how to re-lock.
   */
  private DownloadedBlob withFallbacks(FetchJob job, TransportRequest request) {
    if (job.fallbacks().isEmpty()) {
      return upstream(job, request);
    }
    List<String> tried = new ArrayList<>();
    boolean allGone = true;
    List<URI> sources = new ArrayList<>(List.of(job.url()));
    sources.addAll(job.fallbacks());
    for (URI source : sources) {
      try {
        return upstream(job, source == job.url() ? request : TransportRequest.get(job.label(), source));
      } catch (TransportCancelledException e) {
        throw e;
      } catch (TransportException | ContentMismatchException e) {
        boolean gone = e instanceof TransportException t && t.failure() == TransportException.Failure.NOT_FOUND;
        allGone &= gone;
        tried.add(Failures.redact(source) + (gone ? " (not found)" : " (" + Failures.oneLine(String.valueOf(e.getMessage())) + ")"));
      }
    }
    String every = job.label() + " (" + job.sha256() + ") ";
    if (allGone) {
      throw new TransportException(TransportException.Failure.NOT_FOUND, every + "is gone from every source tried: "
          + String.join("; ", tried) + "; the source dropped this version: run build lock --update to pin one it serves,"
          + " or name another source (--snapshot, a files: entry's mirrors)");
    }
    throw new TransportException(TransportException.Failure.NETWORK, every + "failed at every source tried: " + String.join("; ", tried));
  }

  private DownloadedBlob upstream(FetchJob job, TransportRequest request) {
    return transport.fetch(request, body -> {
      // a recorded size bounds the read inside the cache (size + 1 byte); an unknown one is bounded here
      long cap = job.size() == null ? limit.maxBytes() : Long.MAX_VALUE;
      refuseAnnouncedOverLimit(job.label(), job.url(), body.contentLength(), cap);
      CountingInputStream counted = new CountingInputStream(body.stream(), cap, () -> {
        throw tooLarge(job.label(), job.url(), cap);
      }, total -> progress.progress(job, total));
      Sha256 digest = cache.put(counted, job.sha256(), job.size(), job.label(), Failures.redact(job.url()));
      return new DownloadedBlob(digest, counted.count());
    });
  }

  private long sizeOfCached(FetchJob job) {
    if (job.size() != null) {
      return job.size();
    }
    try {
      return Files.size(cache.layout().blob(job.sha256()));
    } catch (IOException e) {
      throw new CacheException("cannot read the cached blob of " + job.label() + " in " + cache.layout().root()
          + ": " + Failures.message(e) + "; check the cache dir permissions", e);
    }
  }

  private static String messageOf(FetchJob job, Throwable failure) {
    String message = failure.getMessage();
    if (failure instanceof TransportException || failure instanceof CacheException
        || failure instanceof dev.sealbuild.prep.cacheregistry.CacheRegistryException) {
      return message;
    }
    return Failures.text(job.label(), job.url(),
        failure.getClass().getSimpleName() + (message == null ? "" : ": " + Failures.oneLine(message)), null);
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "sealbuild-fetch-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
