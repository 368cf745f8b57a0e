package dev.sealbuild.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --cache DIR}, shared by every command that reads or writes the vendor cache. */
final class CacheOption {
  @Option(names = "--cache", paramLabel = "DIR", description = "vendor cache (default: $SEALBUILD_CACHE, else ./vendor-cache)")
  Path cache;
}
