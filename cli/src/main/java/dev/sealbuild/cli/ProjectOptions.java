package dev.sealbuild.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** The spec to work on ({@code PATH}, or a Dockerfile and its options) and the cache, shared by lock, prep and image. */
final class ProjectOptions {
  @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", description = "spec file, Dockerfile, or directory holding build.yaml or a Dockerfile (default: .)")
  Path path;

  @Mixin
  CacheOption cacheOption = new CacheOption();

  @Mixin
  DockerfileOptions dockerfile = new DockerfileOptions();

  Path cache() {
    return cacheOption.cache;
  }
}
