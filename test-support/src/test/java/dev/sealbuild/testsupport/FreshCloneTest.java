package dev.sealbuild.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test of the tests: a clone of this commit with nothing beside it (no ../shared) finds its fixtures through
 * {@code SEALBUILD_TEST_FIXTURES=http://127.0.0.1:PORT/} alone, and says in one line where it looked when that
 * server is down. The clone's own loader and manifest are compiled and run in a fresh JVM whose {@code HOME} is
 * an empty directory (so the download cache is empty) and whose https proxy is a closed port (so no upstream URL
 * answers).
 */
class FreshCloneTest {
  private static final String KEY = "alpine/keys/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub";
  private static final String MINIROOTFS = "alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz";
  /** Not served: extracted from the served minirootfs, as the manifest says. */
  private static final String WORLD = "alpine/v3.20-x86_64-minirootfs-db/world";

  @TempDir static Path work;
  static Path clone;
  static Path classes;
  static HttpServer server;
  static final List<String> requests = new CopyOnWriteArrayList<>();

  record Run(int exit, List<String> stdout, List<String> stderr) {}

  @BeforeAll
  static void cloneAndServe() throws Exception {
    Requirements.requireTools("git");
    Path root = FixtureLoader.repositoryRoot();
    Requirements.require(root != null && Files.exists(root.resolve(".git")), "the sources are not a git checkout");
    String head = git(root, "rev-parse", "HEAD").strip();
    clone = work.resolve("clone");
    git(work, "clone", "-q", "--no-checkout", root.toString(), clone.toString());
    git(clone, "checkout", "-q", head);
    assertFalse(Files.exists(clone.resolve("../shared")), "nothing beside the clone");

    Path served = work.resolve("served");
    for (String fixture : List.of(KEY, MINIROOTFS)) {
      Path copy = served.resolve(fixture);
      Files.createDirectories(copy.getParent());
      Files.copy(Fixtures.file(fixture), copy);
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestURI().getPath());
      Path file = served.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
      if (file.startsWith(served) && Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(200, Files.size(file));
        try (OutputStream out = exchange.getResponseBody()) {
          Files.copy(file, out);
        }
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
      exchange.close();
    });
    server.start();

    classes = Files.createDirectories(work.resolve("classes"));
    Path sources = clone.resolve("test-support/src/main/java");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status = javac.run(null, null, null, "-d", classes.toString(), "--release", "17", "-sourcepath", sources.toString(),
        "-cp", libraries(), sources.resolve("dev/sealbuild/testsupport/FixtureLoader.java").toString());
    assertEquals(0, status, "the clone's fixture loader compiles");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void aFreshCloneGetsAndVerifiesItsFixturesThroughTheUrl() throws Exception {
    Path home = Files.createDirectories(work.resolve("home-a"));
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    Run run = loader(url, home, KEY, MINIROOTFS, WORLD);
    assertEquals(0, run.exit(), run.toString());
    Path cache = home.resolve(".cache/sealbuild/test-fixtures");
    assertEquals(List.of(cache.resolve(KEY).toString(), cache.resolve(MINIROOTFS).toString(), cache.resolve(WORLD).toString()),
        run.stdout(), run.toString());
    FixtureManifest manifest = FixtureManifest.parse(Files.readString(
        clone.resolve("test-support/src/main/resources/dev/sealbuild/testsupport/fixtures.tsv")));
    for (String fixture : List.of(KEY, MINIROOTFS, WORLD)) {
      assertEquals(manifest.find(fixture).orElseThrow().sha256(), sha256(cache.resolve(fixture)), fixture);
    }
    assertTrue(requests.containsAll(List.of("/" + KEY, "/" + MINIROOTFS, "/" + WORLD)), requests.toString());
  }

  @Test
  void withTheServerDownItSaysInOneLineWhereItLooked() throws Exception {
    int closed = closedPort();
    Path home = Files.createDirectories(work.resolve("home-b"));
    String dead = "http://127.0.0.1:" + closed + "/";
    Run run = loader(dead, home, KEY);
    assertEquals(1, run.exit(), run.toString());
    assertEquals(List.of(), run.stdout());
    assertEquals(1, run.stderr().size(), "one line: " + run);
    String line = run.stderr().get(0);
    assertTrue(line.startsWith("fixture " + KEY + " is in none of: "), line);
    assertTrue(line.contains("SEALBUILD_TEST_FIXTURES " + dead + KEY + " (cannot connect)"), line);
    assertTrue(line.contains(work.resolve("shared/fixtures").resolve(KEY) + " (no such file)"), line);
    assertTrue(line.contains(home.resolve(".cache/sealbuild/test-fixtures").resolve(KEY) + " (not cached)"), line);
    assertTrue(line.contains("upstream https://"), line);
  }

  /** The clone's loader in its own JVM, run from the clone, with an empty cache and no way out to upstream. */
  private static Run loader(String fixturesUrl, Path home, String... fixtures) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=" + closedPort(),
        "-cp", classes + File.pathSeparator + clone.resolve("test-support/src/main/resources") + File.pathSeparator + libraries(),
        "dev.sealbuild.testsupport.FixtureLoader"));
    command.addAll(List.of(fixtures));
    ProcessBuilder builder = new ProcessBuilder(command).directory(clone.toFile());
    Map<String, String> env = builder.environment();
    env.put(FixtureLoader.ENV, fixturesUrl);
    env.put("HOME", home.toString());
    Path out = work.resolve("loader.out");
    Path err = work.resolve("loader.err");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the fixture loader did not finish in 2 minutes");
    }
    return new Run(process.exitValue(), Files.readAllLines(out), Files.readAllLines(err));
  }

  /** This JVM's class path without this repository's own classes: the loader's libraries (commons-compress). */
  private static String libraries() {
    Path root = FixtureLoader.repositoryRoot();
    return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !Path.of(entry).toAbsolutePath().startsWith(root))
        .reduce((a, b) -> a + File.pathSeparator + b).orElse("");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(work, "git", ".out");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: " + Files.readString(out));
    }
    return Files.readString(out);
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
