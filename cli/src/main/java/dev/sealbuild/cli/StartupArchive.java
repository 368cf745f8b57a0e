package dev.sealbuild.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The class-data-sharing archive {@code ./build} keeps beside the jar for this JDK: {@code <jar dir>/cds/<JDK home,
 * slashes and other odd characters as _>.jsa}. The JVM checks that an archive matches itself and the jar and
 * otherwise ignores it; the flags keep that silent.
 */
record StartupArchive(Path file) {
  static Optional<StartupArchive> find(String javaHome, String classPath) {
    if (javaHome == null || classPath == null || !classPath.endsWith(".jar")
        || classPath.contains(java.io.File.pathSeparator)) {
      return Optional.empty();
    }
    Path jarDir = Path.of(classPath).toAbsolutePath().getParent();
    if (jarDir == null) {
      return Optional.empty();
    }
    Path file = jarDir.resolve("cds").resolve(nameFor(javaHome));
    return Files.isRegularFile(file) ? Optional.of(new StartupArchive(file)) : Optional.empty();
  }

  /** The file name the launcher gives the archive of the JDK at {@code javaHome}. */
  static String nameFor(String javaHome) {
    String home = javaHome.startsWith("/") ? javaHome.substring(1) : javaHome;
    return home.replaceAll("[^A-Za-z0-9._-]", "_") + ".jsa";
  }

  List<String> jvmFlags() {
    return List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + file, "-Xlog:cds*=off");
  }
}
