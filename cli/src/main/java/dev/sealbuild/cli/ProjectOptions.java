package dev.sealbuild.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** The spec to work on ({@code PATH}) and the cache, shared by lock, prep and image. */
final class ProjectOptions {
  @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", description = "spec file or directory holding build.yaml (default: .)")
  Path path;

  @Mixin
  CacheOption cacheOption = new CacheOption();

  Path cache() {
    return cacheOption.cache;
  }
}
