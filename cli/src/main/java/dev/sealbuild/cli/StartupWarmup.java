package dev.sealbuild.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads the classes a build uses, so that the launcher can list them ({@code -XX:DumpLoadedClassList}) for the
 * class-data-sharing archive that makes the JVM start fast: runs lock, image (all three outputs), sbom, audit and
 * diff on a tiny {@code copy:} project in a temporary directory, offline, then loads (without initializing) every
 * sealbuild class in the jar. Prints nothing and leaves nothing behind; not a command users run.
 */
public final class StartupWarmup {
  private StartupWarmup() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("sealbuild-warmup");
    try {
      exercise(dir);
    } catch (IllegalStateException e) {
      // an archive of what did load still starts faster than none; StartupWarmupTest keeps the warm-up whole
      System.err.println(e.getMessage());
    } finally {
      deleteTree(dir);
    }
    loadSealbuildClasses();
  }

  /**
   * Runs each command on a tiny project in {@code dir}; throws naming the first that fails (a warm-up that fails
   * early lists only the classes of its error path, and the archive would miss the rest).
   */
  static void exercise(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("app/bin"));
    Files.writeString(dir.resolve("app/bin/run"), "#!/bin/sh\necho hi\n");
    Files.writeString(dir.resolve("app/readme.txt"), "warm-up\n".repeat(2000));
    Files.createSymbolicLink(dir.resolve("app/link"), Path.of("readme.txt"));
    Files.writeString(dir.resolve("build.yaml"), """
        name: warmup
        copy: [{src: app, dest: /app}]
        config: {entrypoint: [/app/bin/run]}
        """);
    Environment env = new Environment(Map.of("SEALBUILD_CACHE", dir.resolve("cache").toString()), dir);
    StringWriter errors = new StringWriter();
    PrintWriter quiet = new PrintWriter(Writer.nullWriter());
    String project = dir.toString();
    for (List<String> command : List.of(
        List.of("--version"),
        List.of("--help"),
        List.of("image", "--help"),
        List.of("lock", project),
        List.of("lock", "--check", project),
        List.of("image", project, "--network-isolation=off", "-o", "oci:" + dir.resolve("oci") + ":latest",
            "-o", "oci-archive:" + dir.resolve("image.tar"), "-o", "docker-archive:" + dir.resolve("docker.tar"),
            "--provenance", dir.resolve("provenance.json").toString()),
        List.of("sbom", project, "-o", dir.resolve("sbom.json").toString()),
        List.of("audit", "oci:" + dir.resolve("oci") + ":latest", project),
        List.of("diff", dir.resolve("build.lock.json").toString(), dir.resolve("build.lock.json").toString()),
        List.of("cache", "verify"))) {
      int status = Main.run(command.toArray(String[]::new), env, quiet, new PrintWriter(errors, true));
      if (status != 0) {
        throw new IllegalStateException("warm-up: build " + String.join(" ", command) + " exited " + status + ": "
            + errors.toString().strip());
      }
    }
    // prep's HTTP client and the TLS stack it loads (lock and prep make one at their first request)
    java.net.http.HttpClient.newBuilder().build();
    try {
      Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
      while (interfaces != null && interfaces.hasMoreElements()) {
        interfaces.nextElement().isUp();
      }
    } catch (IOException e) {
      // only the classes matter
    }
  }

  private static void loadSealbuildClasses() throws IOException {
    String classPath = System.getProperty("java.class.path", "");
    if (!classPath.endsWith(".jar") || classPath.contains(java.io.File.pathSeparator)) {
      return;
    }
    ClassLoader loader = StartupWarmup.class.getClassLoader();
    try (JarFile jar = new JarFile(classPath)) {
      for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
        String name = entries.nextElement().getName();
        if ((name.startsWith("dev/sealbuild/") || name.startsWith("picocli/")) && name.endsWith(".class")) {
          try {
            Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
          } catch (LinkageError | ClassNotFoundException e) {
            // a class that does not load here is simply left out of the archive
          }
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
