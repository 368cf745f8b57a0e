package dev.sealbuild.prep.alpine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real {@code apk} of a chroot, pointed at a local repository (a temporary copy of an
 * APKINDEX.tar.gz) and a keys directory, answering {@code apk add --simulate} for many requests in one
 * shell session.
 */
final class RealApk {
  /** What apk said it would do: {@code name-version} sets of installs and removals. */
  record Outcome(boolean ok, Set<String> installs, Set<String> removals, String output) {
  }

  private static final Pattern STEP = Pattern.compile(
      "^\\(\\d+/\\d+\\) (Installing|Upgrading|Downgrading|Replacing|Reinstalling|Purging) (\\S+) \\((.+)\\)$");

  /**
   * One repository for apk: a directory holding {@code <arch>/APKINDEX.tar.gz} (and the packages, to install for real),
   * listed as {@code @tag PATH} when {@code tag} is not null.
   */
  record Repo(String tag, Path dir) {
  }

  private final AlpineChroot chroot;
  private final String keys;
  private final String repositoriesFile;
  private final String arch;

  /** Copies {@code index} into a temporary repository inside the chroot, with {@code keysDir}. */
  RealApk(AlpineChroot chroot, Path index, Path keysDir, String arch) throws IOException {
    this(chroot, List.of(new Repo(null, copyIndex(chroot, index, arch))), keysDir, arch);
  }

  /** apk reading {@code repos} (directories inside the chroot) in order, as {@code /etc/apk/repositories} lists them. */
  RealApk(AlpineChroot chroot, List<Repo> repos, Path keysDir, String arch) throws IOException {
    this.chroot = chroot;
    this.arch = arch;
    Path work = chroot.newTempDir("apkkeys-");
    Path keyCopy = Files.createDirectories(work.resolve("keys"));
    try (Stream<Path> files = Files.list(keysDir)) {
      for (Path key : files.toList()) {
        Files.copy(key, keyCopy.resolve(key.getFileName()));
      }
    }
    StringBuilder lines = new StringBuilder();
    for (Repo repo : repos) {
      lines.append(repo.tag() == null ? "" : "@" + repo.tag() + " ").append(chroot.inside(repo.dir())).append('\n');
    }
    Files.writeString(work.resolve("repositories"), lines.toString());
    this.keys = chroot.inside(keyCopy);
    this.repositoriesFile = chroot.inside(work.resolve("repositories"));
  }

  private static Path copyIndex(AlpineChroot chroot, Path index, String arch) throws IOException {
    Path work = chroot.newTempDir("apkrepo-");
    Path archDir = Files.createDirectories(work.resolve("repo").resolve(arch));
    Files.copy(index, archDir.resolve("APKINDEX.tar.gz"));
    return work.resolve("repo");
  }

  /** A new empty root initialised with {@code apk add --initdb}; returns its path inside the chroot. */
  String emptyRoot() throws IOException, InterruptedException {
    Path root = chroot.newTempDir("apkroot-");
    String inside = chroot.inside(root);
    List<String> command = new ArrayList<>(base(inside));
    command.addAll(List.of("add", "--initdb"));
    AlpineChroot.Run run = chroot.run(command, null);
    if (run.exitCode() != 0) {
      throw new IOException("apk --initdb failed: " + run.stdout() + run.stderr());
    }
    return inside;
  }

  /** Installs {@code requests} for real (no scripts) on {@code root}: a base with an installed database. */
  void install(String root, List<String> requests) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(base(root));
    command.addAll(List.of("add", "--no-scripts", "--no-cache"));
    command.addAll(requests);
    AlpineChroot.Run run = chroot.run(command, null);
    if (run.exitCode() != 0) {
      throw new IOException("apk add " + requests + " failed: " + run.stdout() + run.stderr());
    }
  }

  /** Runs {@code apk add --simulate REQUEST...} on {@code root} for each request list. */
  List<Outcome> simulate(String root, List<List<String>> requests) throws IOException, InterruptedException {
    StringBuilder script = new StringBuilder();
    for (int i = 0; i < requests.size(); i++) {
      script.append("echo '@@@ BEGIN ").append(i).append("'\n");
      script.append(String.join(" ", base(root).stream().map(RealApk::quote).toList()))
          .append(" add --simulate --no-cache");
      for (String request : requests.get(i)) {
        script.append(' ').append(quote(request));
      }
      script.append(" 2>&1\n");
      script.append("echo \"@@@ END ").append(i).append(" $?\"\n");
    }
    AlpineChroot.Run run = chroot.run(List.of("/bin/sh", "-s"), script.toString());
    List<Outcome> outcomes = new ArrayList<>();
    String[] lines = run.stdout().split("\n");
    int line = 0;
    for (int i = 0; i < requests.size(); i++) {
      while (line < lines.length && !lines[line].equals("@@@ BEGIN " + i)) {
        line++;
      }
      line++;
      Set<String> installs = new TreeSet<>();
      Set<String> removals = new TreeSet<>();
      StringBuilder output = new StringBuilder();
      boolean ok = false;
      for (; line < lines.length; line++) {
        if (lines[line].startsWith("@@@ END " + i + " ")) {
          ok = lines[line].endsWith(" 0");
          line++;
          break;
        }
        output.append(lines[line]).append('\n');
        Matcher m = STEP.matcher(lines[line]);
        if (!m.matches()) {
          continue;
        }
        // apk names a package from a tagged repository as name@tag
        String name = m.group(2).contains("@") ? m.group(2).substring(0, m.group(2).indexOf('@')) : m.group(2);
        String version = m.group(3);
        if (m.group(1).equals("Purging")) {
          removals.add(name + "-" + version);
        } else if (version.contains(" -> ")) {
          removals.add(name + "-" + version.substring(0, version.indexOf(" -> ")));
          installs.add(name + "-" + version.substring(version.indexOf(" -> ") + 4));
        } else {
          installs.add(name + "-" + version);
        }
      }
      outcomes.add(new Outcome(ok, installs, removals, output.toString()));
    }
    if (outcomes.size() != requests.size()) {
      throw new IOException("apk session ended early: " + run.stderr());
    }
    return outcomes;
  }

  private List<String> base(String root) {
    return List.of("/sbin/apk", "--root", root, "--no-network", "--keys-dir", keys, "--arch", arch,
        "--repositories-file", repositoriesFile);
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
