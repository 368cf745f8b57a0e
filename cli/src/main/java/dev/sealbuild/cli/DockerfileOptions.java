package dev.sealbuild.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** How a Dockerfile project is read: which Dockerfile, its build arguments, the target stage and the lock's place. */
final class DockerfileOptions {
  @Option(names = {"-f", "--file"}, paramLabel = "DOCKERFILE",
      description = "the Dockerfile to read (PATH is then the build context; default: PATH/Dockerfile when PATH has no build.yaml)")
  Path file;

  @Option(names = "--build-arg", paramLabel = "NAME=VALUE", description = "a Dockerfile build argument (repeatable)")
  Map<String, String> buildArgs = new LinkedHashMap<>();

  @Option(names = "--target", paramLabel = "STAGE", description = "the Dockerfile stage to build (default: the last)")
  String target;

  @Option(names = "--lock", paramLabel = "FILE",
      description = "the lockfile of a Dockerfile (default: DOCKERFILE.lock.json beside it)")
  Path lock;

  @Option(names = "--name", paramLabel = "NAME",
      description = "the image name of a Dockerfile project (default: the build context directory's name)")
  String name;
}
