package dev.sealbuild.testsupport.registry;

import dev.sealbuild.testsupport.Requirements;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Debian docker-registry (distribution v2) on 127.0.0.1 and a free port, optionally behind htpasswd auth, for the push
 * tests of prep and cli.
 */
public final class LocalRegistry implements AutoCloseable {
  public final int port;
  private final Process process;
  private final Path log;

  private LocalRegistry(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  public static void requireTools() {
    Requirements.requireTools("docker-registry", "skopeo");
  }

  /** Starts a registry storing into {@code dir}; {@code htpasswd} (a file with bcrypt lines) turns on Basic auth. */
  public static LocalRegistry start(Path dir, Path htpasswd) throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    String auth = htpasswd == null ? "" : "auth: {htpasswd: {realm: sealbuild-test, path: " + htpasswd + "}}\n";
    Path config = dir.resolve("config.yml");
    Files.writeString(config, "version: 0.1\n"
        + "log: {level: warn}\n"
        + "storage: {cache: {blobdescriptor: inmemory}, filesystem: {rootdirectory: " + dir.resolve("data") + "}, delete: {enabled: true}}\n"
        + "http: {addr: 127.0.0.1:" + port + "}\n" + auth);
    Path log = dir.resolve("registry.log");
    Process process = new ProcessBuilder("docker-registry", "serve", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    LocalRegistry registry = new LocalRegistry(port, process, log);
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 100; i++) {
      try {
        int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200 || status == 401) {
          return registry;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    registry.close();
    throw new IllegalStateException("docker-registry did not start: " + Files.readString(log));
  }

  public String host() {
    return "127.0.0.1:" + port;
  }

  /** Copies {@code source} (any skopeo transport) to {@code repo:tag} here; {@code all} copies whole indexes. */
  public void push(String source, String repoAndTag, boolean all, String credentials) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false"));
    if (all) {
      command.add("--all");
    }
    if (credentials != null) {
      command.addAll(List.of("--dest-creds", credentials));
    }
    command.addAll(List.of(source, "docker://" + host() + "/" + repoAndTag));
    run(command);
  }

  /** The raw manifest bytes as skopeo reads them. */
  public byte[] rawManifest(String repoAndTag, String credentials) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("skopeo", "inspect", "--raw", "--tls-verify=false"));
    if (credentials != null) {
      command.addAll(List.of("--creds", credentials));
    }
    command.add("docker://" + host() + "/" + repoAndTag);
    return run(command);
  }

  public static byte[] run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + err);
    }
    return out;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public String log() throws IOException {
    return Files.readString(log);
  }
}
