package dev.sealbuild.prep.fetch;

/** What happened to one {@link FetchJob}; {@code size} is the blob's size in bytes. */
public record DownloadResult(FetchJob job, Outcome outcome, long size) {
  public enum Outcome {
    /** Downloaded and verified in this run. */
    FETCHED,
    /** Already in the cache (or fetched for an earlier entry with the same digest): no request made. */
    CACHED
  }
}
