package dev.sealbuild.prep.fetch;

import dev.sealbuild.formats.digest.Sha256;

/** A file stored in the cache by {@link PrepDownloader#fetchUnpinned}: its digest and size. */
public record DownloadedBlob(Sha256 sha256, long size) {}
