package dev.sealbuild.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small project to build in-process: one {@code copy:} of a local file and one {@code files:} entry served by an
 * HTTP server on 127.0.0.1, on a scratch base, for the platforms given.
 */
final class TestProject implements AutoCloseable {
  final Path dir;
  final Path cache;
  final List<String> requests = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  TestProject(Path root, String... platforms) throws IOException {
    dir = Files.createDirectories(root.resolve("project"));
    cache = root.resolve("cache");
    Path served = Files.createDirectories(root.resolve("served"));
    Files.writeString(served.resolve("data.txt"), "served over http\n");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      requests.add(path);
      Path file = served.resolve(path.substring(1)).normalize();
      if (!file.startsWith(served) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
      exchange.sendResponseHeaders(200, Files.size(file));
      try (OutputStream out = exchange.getResponseBody()) {
        Files.copy(file, out);
      }
    });
    server.start();
    Files.writeString(dir.resolve("hello.txt"), "hello from a local file\n");
    Files.writeString(dir.resolve("build.yaml"), """
        name: hello
        platforms: [%s]
        copy:
          - {src: hello.txt, dest: /hello.txt}
        files:
          - {url: "http://127.0.0.1:%d/data.txt", dest: /data.txt}
        config:
          entrypoint: [/hello]
        """.formatted(String.join(", ", platforms.length == 0 ? new String[] {"linux/amd64"} : platforms),
        server.getAddress().getPort()), StandardCharsets.UTF_8);
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
    server.stop(0);
  }
}
