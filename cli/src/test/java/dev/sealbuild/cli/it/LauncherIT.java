package dev.sealbuild.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.Requirements;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./build} as users run it: {@code build image} starts one JVM, already inside the network namespace; the
 * image records isolation only when it is real; the start-up archive is made once and used, and a stale one is
 * ignored without a word. The launcher runs from a copy of the checkout's {@code build} script and jar.
 */
class LauncherIT {
  private static final String JVM_COUNTER = "Picked up JAVA_TOOL_OPTIONS";
  private static final String REAL_JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @TempDir static Path root;
  @TempDir Path project;

  private static Path jar;
  private static Path cdsDir;

  @BeforeAll
  static void installLauncher() throws IOException {
    Path script = root.resolve("build");
    Files.copy(Sealbuild.ROOT.resolve("build"), script);
    assertTrue(script.toFile().setExecutable(true));
    jar = Files.createDirectories(root.resolve("cli/target")).resolve("sealbuild.jar");
    Files.copy(Sealbuild.JAR, jar);
    cdsDir = root.resolve("cli/target/cds");
  }

  private record Result(int exit, String stdout, String stderr) {
    long jvms() {
      return stderr.lines().filter(l -> l.startsWith(JVM_COUNTER)).count();
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  private Result launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(root.resolve("build").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile());
    pb.environment().remove("SEALBUILD_CACHE");
    pb.environment().remove("SEALBUILD_NETNS");
    pb.environment().remove("SEALBUILD_JAVA_OPTS");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().put("JAVA", REAL_JAVA);
    pb.environment().putAll(env);
    Path out = Files.createTempFile("launcher-out", ".txt");
    Path err = Files.createTempFile("launcher-err", ".txt");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("build " + String.join(" ", args) + " did not finish in 10 minutes");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static Result ok(Result r) {
    if (r.exit() != 0) {
      throw new AssertionError("expected success\n" + r);
    }
    return r;
  }

  private void tinyProject() throws Exception {
    Files.writeString(project.resolve("build.yaml"), "name: launched\ncopy: [{src: a.txt, dest: /a.txt}]\n");
    Files.writeString(project.resolve("a.txt"), "a\n");
    ok(launch(Map.of(), "lock"));
  }

  private String networkAnnotation(String layout) throws IOException {
    var index = new ObjectMapper().readTree(project.resolve(layout).resolve("index.json").toFile());
    return index.get("manifests").get(0).get("annotations").get("dev.sealbuild.network").asText();
  }

  /** A loopback server counting connections: what a build inside the namespace must not reach. */
  private static final class Listener implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final AtomicInteger accepted = new AtomicInteger();

    Listener() throws IOException {
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            accepted.incrementAndGet();
          } catch (IOException e) {
            return;
          }
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String address() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  @Test
  void imageStartsOneJvmAlreadyInsideTheNamespace() throws Exception {
    Requirements.requireTools("unshare");
    tinyProject();
    try (Listener listener = new Listener()) {
      Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Dsealbuild.test.jvm=counted",
          "SEALBUILD_ISOLATION_PROBE", listener.address());
      Result launched = ok(launch(env, "image", "--network-isolation=require", "-o", "oci:out/launched"));
      assertEquals(1, launched.jvms(), launched.toString());
      assertTrue(launched.stderr().contains("network: isolated"), launched.stderr());
      assertTrue(launched.stderr().contains("connection to " + listener.address() + " failed"), launched.stderr());
      assertEquals("isolated", networkAnnotation("out/launched"));

      // The jar run directly isolates itself by starting a second JVM: what the launcher saves.
      Sealbuild.Result direct = Sealbuild.ok(new Sealbuild(project).env("JAVA_TOOL_OPTIONS", "-Dsealbuild.test.jvm=counted")
          .run("image", "--network-isolation=require", "-o", "oci:out/direct"));
      assertEquals(2, direct.stderr().lines().filter(l -> l.startsWith(JVM_COUNTER)).count(), direct.toString());
      assertEquals("isolated", networkAnnotation("out/direct"));
      assertEquals(direct.lastLine(), lastLine(launched));
      assertEquals(0, listener.accepted.get());
    }
  }

  @Test
  void isolationOffStartsNoNamespace() throws Exception {
    tinyProject();
    try (Listener listener = new Listener()) {
      Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Dsealbuild.test.jvm=counted",
          "SEALBUILD_ISOLATION_PROBE", listener.address());
      Result equals = ok(launch(env, "image", "--network-isolation=off", "-o", "oci:out/a"));
      Result separate = ok(launch(env, "image", "--network-isolation", "OFF", "-o", "oci:out/b"));
      for (Result r : List.of(equals, separate)) {
        assertEquals(1, r.jvms(), r.toString());
        assertTrue(r.stderr().contains("isolation probe: connected to " + listener.address()), r.stderr());
        assertFalse(r.stderr().contains("network: isolated"), r.stderr());
      }
      assertEquals("disabled", networkAnnotation("out/a"));
      assertEquals("disabled", networkAnnotation("out/b"));
    }
  }

  @Test
  void forgedMarkerIsNeverRecordedAsIsolation() throws Exception {
    tinyProject();
    // Run directly, the marker claims a namespace this process is not in: refused, nothing written.
    Sealbuild.Result direct = new Sealbuild(project).env("SEALBUILD_NETNS", "1")
        .run("image", "--network-isolation=auto", "-o", "oci:out/forged");
    assertEquals(1, direct.exit(), direct.toString());
    assertTrue(direct.stderr().contains("SEALBUILD_NETNS"), direct.stderr());
    assertFalse(Files.exists(project.resolve("out/forged")));

    // Through the launcher with isolation off, the marker changes nothing: the image says disabled.
    ok(launch(Map.of("SEALBUILD_NETNS", "1"), "image", "--network-isolation=off", "-o", "oci:out/off"));
    assertEquals("disabled", networkAnnotation("out/off"));
  }

  @Test
  void startupArchiveIsMadeOnceUsedAndRemadeForANewJar() throws Exception {
    deleteArchives();
    Result first = ok(launch(Map.of(), "--version"));
    assertEquals("", first.stderr());
    Path archive = onlyArchive();
    assertEquals(jar.toString(), Files.readString(Path.of(archive + ".src")).strip());
    FileTime made = Files.getLastModifiedTime(archive);

    Path log = project.resolve("classes.log");
    ok(launch(Map.of("SEALBUILD_JAVA_OPTS", "-Xlog:class+load=info:file=" + log), "--version"));
    assertEquals(made, Files.getLastModifiedTime(archive), "the archive is reused, not made again");
    assertTrue(loadedFromArchive(log, "dev.sealbuild.cli.Main"), "Main comes from the archive");

    Files.delete(log);
    ok(launch(Map.of("SEALBUILD_CDS", "off", "SEALBUILD_JAVA_OPTS", "-Xlog:class+load=info:file=" + log), "--version"));
    assertFalse(loadedFromArchive(log, "dev.sealbuild.cli.Main"), "SEALBUILD_CDS=off runs without it");

    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 5000));
    ok(launch(Map.of(), "--version"));
    assertNotEquals(made, Files.getLastModifiedTime(archive), "a newer jar gets a new archive");
  }

  @Test
  void jarRunDirectlyReexecutesWithTheStartupArchive() throws Exception {
    Requirements.requireTools("unshare");
    tinyProject();
    ok(launch(Map.of(), "--version"));
    onlyArchive();
    Path logs = Files.createDirectories(project.resolve("logs"));
    List<String> command = List.of(REAL_JAVA, "-jar", jar.toString(), "image", "--network-isolation=require", "-o", "oci:out/x");
    ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().remove("SEALBUILD_NETNS");
    pb.environment().put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + logs.resolve("jvm-%p.log"));
    assertEquals(0, pb.start().waitFor());
    List<Path> files;
    try (Stream<Path> s = Files.list(logs)) {
      files = s.toList();
    }
    assertEquals(2, files.size(), "the jar run directly starts a second JVM inside the namespace");
    assertEquals(1, files.stream().filter(f -> loadedFromArchive(f, "dev.sealbuild.cli.Main")).count(),
        "the second JVM (only) maps the launcher's archive: " + files);
  }

  @Test
  void aStaleOrForeignArchiveIsIgnoredSilently() throws Exception {
    ok(launch(Map.of(), "--version"));
    Path archive = onlyArchive();
    String version = ok(launch(Map.of(), "--version")).stdout();

    // Another JDK given the archive of this one (as after a JDK upgrade the launcher did not notice).
    Optional<Path> other = otherJdk();
    if (other.isPresent()) {
      Path otherArchive = cdsDir.resolve(archiveName(other.get()));
      Files.copy(archive, otherArchive, StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(Path.of(otherArchive + ".src"), jar + "\n");
      Result r = launch(Map.of("JAVA", other.get().resolve("bin/java").toString()), "--version");
      assertEquals(0, r.exit(), r.toString());
      assertEquals(version, r.stdout());
      assertEquals("", r.stderr());
    }

    // A damaged archive, newer than the jar.
    Files.write(archive, new byte[64 * 1024], java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
    Result damaged = launch(Map.of(), "--version");
    assertEquals(0, damaged.exit(), damaged.toString());
    assertEquals(version, damaged.stdout());
    assertEquals("", damaged.stderr());
    deleteArchives();
    Assumptions.assumeTrue(other.isPresent(), "no second JDK under /usr/lib/jvm: only the damaged archive was tried");
  }

  private static String lastLine(Result r) {
    String[] lines = r.stdout().strip().split("\n");
    return lines[lines.length - 1];
  }

  private static boolean loadedFromArchive(Path log, String className) {
    try {
      Pattern line = Pattern.compile("\\b" + Pattern.quote(className) + " source: (.*)$", Pattern.MULTILINE);
      Matcher m = line.matcher(Files.readString(log));
      return m.find() && m.group(1).contains("shared objects file");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Path onlyArchive() throws IOException {
    String name = archiveName(Path.of(REAL_JAVA).toRealPath().getParent().getParent());
    Path archive = cdsDir.resolve(name);
    assertTrue(Files.isRegularFile(archive), "expected " + archive);
    return archive;
  }

  private static String archiveName(Path javaHome) {
    return javaHome.toString().substring(1).replaceAll("[^A-Za-z0-9._-]", "_") + ".jsa";
  }

  private static void deleteArchives() throws IOException {
    if (Files.isDirectory(cdsDir)) {
      try (Stream<Path> s = Files.list(cdsDir)) {
        for (Path p : s.toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** A JDK other than the one running the tests, of another feature release, if one is installed. */
  private static Optional<Path> otherJdk() throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    Path mine = Path.of(REAL_JAVA).toRealPath().getParent().getParent();
    Map<Path, String> candidates = new HashMap<>();
    try (Stream<Path> s = Files.list(jvms)) {
      for (Path home : s.toList()) {
        Path release = home.resolve("release");
        if (Files.isExecutable(home.resolve("bin/java")) && Files.isRegularFile(release)) {
          Path real = home.toRealPath();
          String version = Files.readAllLines(release).stream().filter(l -> l.startsWith("JAVA_VERSION="))
              .findFirst().orElse("");
          if (!real.equals(mine) && !version.contains("\"" + Runtime.version().feature())) {
            candidates.put(real, version);
          }
        }
      }
    }
    return candidates.keySet().stream().sorted().findFirst();
  }
}
