package dev.sealbuild.cli;

import dev.sealbuild.cli.it.LocalHttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small project to build in-process: one {@code copy:} of a local file and one {@code files:} entry served by an
 * HTTP server on 127.0.0.1, on a scratch base, for the platforms given.
 */
final class TestProject implements AutoCloseable {
  final Path dir;
  final Path cache;
  private final LocalHttpServer server;

  TestProject(Path root, String... platforms) throws IOException {
    dir = Files.createDirectories(root.resolve("project"));
    cache = root.resolve("cache");
    Path served = Files.createDirectories(root.resolve("served"));
    Files.writeString(served.resolve("data.txt"), "served over http\n");
    server = new LocalHttpServer(served);
    Files.writeString(dir.resolve("hello.txt"), "hello from a local file\n");
    Files.writeString(dir.resolve("build.yaml"), """
        name: hello
        platforms: [%s]
        copy:
          - {src: hello.txt, dest: /hello.txt}
        files:
          - {url: "%s", dest: /data.txt}
        config:
          entrypoint: [/hello]
        """.formatted(String.join(", ", platforms.length == 0 ? new String[] {"linux/amd64"} : platforms),
        server.url("data.txt").toString()), StandardCharsets.UTF_8);
  }

  List<String> requests() {
    return server.requests();
  }

  /** {@code build} run in the project's parent directory, with the project's cache. */
  InProcess build() {
    return new InProcess(dir.getParent()).env("SEALBUILD_CACHE", cache.toString());
  }

  /** Locks and preps the project. */
  TestProject prepared() {
    build().run("lock", "project").ok();
    build().run("prep", "project").ok();
    return this;
  }

  @Override
  public void close() {
    server.close();
  }
}
