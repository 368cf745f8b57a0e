package dev.sealbuild.prep.fetch;

import dev.sealbuild.formats.digest.Sha256;
import java.io.PrintStream;
import java.util.Objects;

/**
 * One line per finished entry, for logs and CI: {@code fetched files[0] 1.2 MiB sha256:abcd...},
 * {@code cached files[1]}, {@code failed files[2]: <why>}.
 */
public final class PlainProgressReporter implements ProgressReporter {
  private final PrintStream out;

  public PlainProgressReporter(PrintStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public void start(int entries, long bytesToFetch) {}

  @Override
  public synchronized void cached(FetchJob job) {
    out.println("cached " + job.label());
  }

  @Override
  public void progress(FetchJob job, long bytesSoFar) {}

  @Override
  public synchronized void fetched(FetchJob job, long size, Sha256 digest) {
    out.println("fetched " + job.label() + " " + HumanBytes.format(size) + " " + ProgressReporter.shortDigest(digest));
  }

  @Override
  public synchronized void failed(FetchJob job, String message) {
    out.println("failed " + job.label() + ": " + message);
  }

  @Override
  public synchronized void finish() {
    out.flush();
  }
}
