package dev.sealbuild.prep.alpine;


import dev.sealbuild.testsupport.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Alpine minirootfs from the fixtures, extracted to a temporary directory, in which the real
 * {@code apk} and busybox run ({@code unshare -n chroot ROOT ...}). Needs root; tests are skipped
 * otherwise. One extraction per JVM and release, deleted at exit.
 */
final class AlpineChroot {
  /** Output of one command run inside the chroot. */
  record Run(int exitCode, String stdout, String stderr) {
  }

  private static AlpineChroot alpine320;
  private static AlpineChroot alpine316;

  private final Path root;

  private AlpineChroot(Path root) {
    this.root = root;
  }

  /** Alpine 3.20.3 x86_64 (apk-tools 2.14.4). */
  static synchronized AlpineChroot alpine320() throws IOException, InterruptedException {
    if (alpine320 == null) {
      alpine320 = extract("minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    }
    return alpine320;
  }

  /** Alpine 3.16.9 x86_64, used as a base root filesystem with an installed database. */
  static synchronized AlpineChroot alpine316() throws IOException, InterruptedException {
    if (alpine316 == null) {
      alpine316 = extract("minirootfs/alpine-minirootfs-3.16.9-x86_64.tar.gz");
    }
    return alpine316;
  }

  private static AlpineChroot extract(String fixture) throws IOException, InterruptedException {
    Requirements.require("x86_64".equals(arch()) || "amd64".equals(System.getProperty("os.arch")),
        "the minirootfs runs on x86_64 only");
    Requirements.require(isRoot(), "running apk in a chroot needs root");
    Path tarball = AlpineFixtures.file(fixture);
    Path root = Files.createTempDirectory("sealbuild-alpine-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
    Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", root.toString())
        .redirectErrorStream(true).start();
    String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (tar.waitFor() != 0) {
      throw new IOException("cannot extract " + tarball + ": " + output);
    }
    AlpineChroot chroot = new AlpineChroot(root);
    Run probe = chroot.run("/bin/busybox", "true");
    Requirements.require(probe.exitCode() == 0, "cannot run programs in a chroot here: " + probe.stderr());
    return chroot;
  }

  Path root() {
    return root;
  }

  /** A fresh directory inside the chroot's /tmp; returns its host path. */
  Path newTempDir(String prefix) throws IOException {
    return Files.createTempDirectory(Files.createDirectories(root.resolve("tmp")), prefix);
  }

  /** The path a program inside the chroot sees for {@code hostPath} (which must be under the root). */
  String inside(Path hostPath) {
    return "/" + root.relativize(hostPath);
  }

  Run run(String... command) throws IOException, InterruptedException {
    return run(List.of(command), null);
  }

  /** Runs {@code command} inside the chroot with networking unshared; {@code stdin} may be null. */
  Run run(List<String> command, String stdin) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("unshare", "-n", "chroot", root.toString()));
    full.addAll(command);
    Path out = Files.createTempFile("sealbuild-chroot-", ".out");
    Path err = Files.createTempFile("sealbuild-chroot-", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(full).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
      Process process = builder.start();
      if (stdin != null) {
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      process.getOutputStream().close();
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IOException("timed out: " + command);
      }
      return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static boolean isRoot() {
    try {
      Process id = new ProcessBuilder("id", "-u").start();
      String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return id.waitFor() == 0 && uid.equals("0");
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String arch() {
    try {
      Process uname = new ProcessBuilder("uname", "-m").start();
      return new String(uname.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort at exit
        }
      });
    } catch (IOException e) {
      // best effort at exit
    }
  }
}
