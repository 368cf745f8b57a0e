package dev.sealbuild.prep.fetch;

import dev.sealbuild.prep.http.ByteSize;
import dev.sealbuild.prep.http.Failures;
import dev.sealbuild.prep.http.TransportException;
import java.util.Map;

/**
 * The most bytes one download may bring when the lock does not know its size yet (build lock's first download of
 * a file, or a spec that pins only sha256). Files whose size the lock records are bounded by that size instead.
 * Set by {@code --max-download SIZE} or {@code SEALBUILD_MAX_DOWNLOAD}; sizes take a K, M, G or T suffix (powers of
 * 1024, an optional {@code iB} or {@code B} after it).
 */
public record DownloadLimit(long maxBytes) {
  public static final String VARIABLE = "SEALBUILD_MAX_DOWNLOAD";
  public static final DownloadLimit DEFAULT = new DownloadLimit(4L << 30);


  public DownloadLimit {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("the download limit must be at least 1 byte, got " + maxBytes);
    }
  }

  /** The option's value if given, else the environment's, else {@link #DEFAULT}. */
  public static DownloadLimit choose(String option, Map<String, String> environment) {
    if (option != null) {
      return parse(option, "--max-download");
    }
    String variable = environment.get(VARIABLE);
    return variable == null || variable.isBlank() ? DEFAULT : parse(variable, VARIABLE);
  }

  /**
   * Reads {@code 4294967296}, {@code 512M}, {@code 2G}, {@code 2GiB}.
   *
   * @throws TransportException naming {@code source} when the text is not such a size
   */
  public static DownloadLimit parse(String text, String source) {
    java.util.OptionalLong bytes = ByteSize.parse(text);
    if (bytes.isPresent() && bytes.getAsLong() >= 1) {
      return new DownloadLimit(bytes.getAsLong());
    }
    throw new TransportException(TransportException.Failure.INVALID, "invalid " + source + " '" + Failures.oneLine(text.strip())
        + "': give a size of at least 1 byte, e.g. 512M, 2G or 4294967296");
  }

  /** As people read it: {@code 4.0 GiB}. */
  public String describe() {
    return HumanBytes.format(maxBytes);
  }
}
