package dev.sealbuild.lockfiles.dockerfile;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the network-dependent idioms in a {@code RUN} command line and turns them into declarations: {@code apt-get
 * install} and {@code apk add} become packages for sealbuild's resolvers, {@code curl -o} and {@code wget -O} become
 * pinned files, and their housekeeping ({@code apt-get update}, list cleanups) is dropped. What is left runs as a step
 * with no network; a left-over command that would still download is named, with what to pin instead.
 */
final class RunIdioms {
  /** A download the command made, now a file the lock pins. */
  record Download(String url, String path, String sha256, boolean temporary) {}

  /**
   * What became of one RUN command line. {@code remaining} is null when nothing is left to run; {@code notes} say what
   * was dropped, {@code remarks} what runs with a difference worth knowing.
   */
  record Analysis(String remaining, String packageManager, List<String> packages, List<String> buildPackages,
      List<Download> downloads, List<String> notes, List<String> remarks, List<String> needsUser) {}

  private static final Pattern SHA256_CHECK = Pattern.compile(
      "echo\\s+[\"']?([0-9a-fA-F]{64})\\s+\\*?([^\"'\\s|]+)[\"']?\\s*\\|\\s*sha256sum\\s+(-c|--check)(\\s+-)?\\s*");
  private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");
  private static final Set<String> APT_FLAGS = Set.of("-y", "--yes", "--assume-yes", "-q", "-qq", "--quiet", "-qy",
      "-yq", "-yqq", "-qqy", "--no-install-recommends", "--no-install-suggests", "--fix-missing", "-f", "--fix-broken",
      "--no-upgrade", "--allow-downgrades", "--allow-change-held-packages", "-V", "--verbose-versions");
  private static final Set<String> APK_FLAGS = Set.of("--no-cache", "--update", "-U", "--upgrade", "-u", "--quiet",
      "-q", "--no-progress", "--clean-protected", "--latest", "-l");

  private final Map<String, String> variables;
  private final String workdir;

  /** {@code variables}: the ENV and ARG values the RUN sees; {@code workdir}: where relative paths point. */
  RunIdioms(Map<String, String> variables, String workdir) {
    this.variables = variables;
    this.workdir = workdir == null ? "/" : workdir;
  }

  Analysis analyze(String script) {
    List<String> notes = new ArrayList<>();
    List<String> remarks = new ArrayList<>();
    List<String> needsUser = new ArrayList<>();
    Optional<List<ShellScript.Segment>> split = ShellScript.split(script);
    if (split.isEmpty()) {
      needsUser.addAll(downloaders(script));
      return new Analysis(script, null, List.of(), List.of(), List.of(), notes, remarks, needsUser);
    }
    List<ShellScript.Segment> kept = new ArrayList<>();
    Set<String> packages = new LinkedHashSet<>();
    String manager = null;
    List<Download> downloads = new ArrayList<>();
    Map<String, List<String>> virtuals = new java.util.HashMap<>();
    Set<String> buildOnly = new LinkedHashSet<>();
    Set<String> aptInstalled = new java.util.HashSet<>();
    List<ShellScript.Segment> purges = new ArrayList<>();
    Set<String> purged = new LinkedHashSet<>();
    boolean autoRemove = false;
    Map<String, String> checks = new java.util.HashMap<>();
    List<String> removed = new ArrayList<>();
    for (ShellScript.Segment segment : split.get()) {
      Matcher check = SHA256_CHECK.matcher(segment.text());
      if (check.matches()) {
        checks.put(absolute(expand(check.group(2))), check.group(1).toLowerCase(java.util.Locale.ROOT));
        kept.add(segment);
        continue;
      }
      Optional<List<String>> parsed = ShellScript.words(segment.text());
      if (parsed.isEmpty()) {
        needsUser.addAll(downloaders(segment.text()));
        kept.add(segment);
        continue;
      }
      List<String> words = new ArrayList<>(parsed.get());
      while (!words.isEmpty() && ASSIGNMENT.matcher(words.get(0)).matches()) {
        words.remove(0); // DEBIAN_FRONTEND=noninteractive apt-get ...
      }
      if (words.isEmpty()) {
        kept.add(segment);
        continue;
      }
      String program = baseName(words.get(0));
      if ((program.equals("apt-get") || program.equals("apt")) && aptHousekeeping(words)) {
        if (words.contains("autoremove")) {
          autoRemove = true;
          notes.add("dropped '" + segment.text() + "': what it would remove is not installed in the image");
        } else {
          notes.add("dropped '" + segment.text() + "': the package lists are read at lock time");
        }
        continue;
      }
      if (program.equals("rm") && words.stream().skip(1).filter(w -> !w.startsWith("-")).allMatch(RunIdioms::packageCache)
          && words.size() > 1) {
        notes.add("dropped '" + segment.text() + "': no package lists or caches are written into the image");
        continue;
      }
      Optional<List<String>> apt = (program.equals("apt-get") || program.equals("apt")) ? aptInstall(words) : Optional.empty();
      if (apt.isPresent() && !apt.get().isEmpty() && !"alpine".equals(manager)) {
        manager = "debian";
        packages.addAll(apt.get());
        apt.get().forEach(p -> aptInstalled.add(p.replaceFirst("[=/].*", "")));
        if (!words.contains("--no-install-recommends")) {
          notes.add("Recommends are not installed (sealbuild installs what packages depend on, as --no-install-recommends does)");
        }
        continue;
      }
      if ((program.equals("apt-get") || program.equals("apt")) && aptPurgesOnly(words, aptInstalled)) {
        autoRemove |= words.contains("--auto-remove") || words.contains("--autoremove");
        words.stream().skip(1).filter(w -> !w.startsWith("-")).skip(1).forEach(purged::add);
        purges.add(segment);
        kept.add(segment);
        continue;
      }
      if (program.equals("apk")) {
        Optional<ApkAdd> add = apkAdd(words);
        if (add.isPresent() && !add.get().packages().isEmpty() && !"debian".equals(manager)) {
          manager = "alpine";
          List<String> names = new ArrayList<>();
          for (String requested : add.get().packages()) {
            names.add(apkName(requested, notes, needsUser));
          }
          packages.addAll(names);
          if (add.get().virtual() != null) {
            virtuals.put(add.get().virtual(), names);
          }
          continue;
        }
        if (words.size() >= 2 && words.get(1).equals("update")) {
          notes.add("dropped 'apk update': the indexes are read at lock time");
          continue;
        }
        Optional<List<String>> deleted = apkDel(words, virtuals.keySet(), packages);
        if (deleted.isPresent()) {
          for (String name : deleted.get()) {
            buildOnly.addAll(virtuals.getOrDefault(name, List.of(name)));
          }
          notes.add("dropped '" + segment.text() + "': the packages it removes become buildPackages, there while the"
              + " steps run and in no layer");
          continue;
        }
      }
      Optional<Download> download = download(words);
      if (download.isPresent()) {
        downloads.add(download.get());
        continue;
      }
      if (program.equals("rm")) {
        words.stream().skip(1).filter(w -> !w.startsWith("-")).map(this::expand).map(this::absolute).forEach(removed::add);
      }
      needsUser.addAll(downloaders(segment.text()));
      kept.add(segment);
    }
    if (!purged.isEmpty() && autoRemove) {
      kept.removeAll(purges);
      packages.stream().filter(p -> purged.contains(p.replaceFirst("[=/].*", ""))).forEach(buildOnly::add);
      notes.add("dropped '" + String.join("', '", purges.stream().map(ShellScript.Segment::text).toList())
          + "': the packages it removes, and what only they need, become buildPackages, there while the steps run and"
          + " in no layer");
    } else {
      purges.forEach(segment -> remarks.add("'" + segment.text() + "' runs in the step: dpkg removes those packages"
          + " and no byte of them ships; their dependencies stay (with --auto-remove they would be build-only"
          + " packages, in no layer)"));
    }
    packages.removeAll(buildOnly);
    List<Download> pinned = new ArrayList<>();
    for (Download d : downloads) {
      String sha = checks.get(d.path());
      pinned.add(new Download(d.url(), d.path(), sha, removed.contains(d.path())));
    }
    String remaining = kept.size() == split.get().size() ? script : join(kept);
    return new Analysis(remaining, manager, List.copyOf(packages), List.copyOf(buildOnly), pinned, notes, remarks,
        needsUser);
  }

  private static String join(List<ShellScript.Segment> kept) {
    if (kept.isEmpty()) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < kept.size(); i++) {
      if (i > 0) {
        String op = kept.get(i).joinedBy();
        out.append(switch (op) {
          case ";" -> "; ";
          case "\n" -> "\n";
          default -> " && ";
        });
      }
      out.append(kept.get(i).text());
    }
    return out.toString();
  }

  private static boolean aptHousekeeping(List<String> words) {
    List<String> rest = words.stream().skip(1).filter(w -> !w.startsWith("-")).toList();
    return !rest.isEmpty() && Set.of("update", "clean", "autoclean").contains(rest.get(0)) && rest.size() == 1
        || !rest.isEmpty() && rest.get(0).equals("autoremove") && rest.size() == 1;
  }

  /**
   * The bare name of an {@code apk add} argument: alpine specs take bare names and the lock pins the index's version.
   * A bound ({@code su-exec>=0.2}) is noted; an exact version or a repository tag ({@code name@edge}) needs the user.
   */
  private static String apkName(String requested, List<String> notes, List<String> needsUser) {
    Matcher m = Pattern.compile("([A-Za-z0-9][A-Za-z0-9.+_:-]*)(.*)").matcher(requested);
    if (!m.matches() || m.group(2).isEmpty()) {
      return requested;
    }
    String name = m.group(1);
    String rest = m.group(2);
    if (rest.startsWith("@")) {
      needsUser.add("apk add " + requested + ": repository tags are not supported; add the repository's packages to"
          + " the base's /etc/apk/repositories or pin the package's file with ADD --checksum");
    } else if (rest.matches("(>=|<=|>|<|~=?)[^\\s]*")) {
      notes.add("version bound '" + rest + "' of " + name + " dropped: the lock pins the version the index has; check"
          + " that it is " + rest);
    } else {
      needsUser.add("apk add " + requested + ": alpine packages are taken by bare name and pinned to the version the"
          + " index has; write apk add " + name + " and check the version the lock pins");
    }
    return name;
  }

  /**
   * The names {@code apk del [flags] A B} removes when each is a virtual package or a package the same RUN added;
   * empty for any other command.
   */
  private static Optional<List<String>> apkDel(List<String> words, Set<String> virtuals, Set<String> added) {
    if (words.size() < 3 || !words.get(1).equals("del")) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    for (String w : words.subList(2, words.size())) {
      if (w.startsWith("-")) {
        if (!APK_FLAGS.contains(w) && !w.equals("--purge")) {
          return Optional.empty();
        }
      } else if (virtuals.contains(w) || added.contains(w)) {
        names.add(w);
      } else {
        return Optional.empty();
      }
    }
    return names.isEmpty() ? Optional.empty() : Optional.of(names);
  }

  /** {@code apt-get purge|remove [-y] [--auto-remove] A B} where every package was installed by the same RUN. */
  private static boolean aptPurgesOnly(List<String> words, Set<String> installed) {
    List<String> rest = new ArrayList<>();
    for (String w : words.subList(1, words.size())) {
      if (w.startsWith("-")) {
        if (!APT_FLAGS.contains(w) && !Set.of("--auto-remove", "--autoremove", "--purge").contains(w)) {
          return false;
        }
      } else {
        rest.add(w);
      }
    }
    return rest.size() >= 2 && Set.of("purge", "remove").contains(rest.get(0))
        && installed.containsAll(rest.subList(1, rest.size()));
  }

  private static boolean packageCache(String path) {
    return path.startsWith("/var/lib/apt/lists") || path.startsWith("/var/cache/apt") || path.startsWith("/var/cache/apk")
        || path.startsWith("/var/cache/debconf") || path.startsWith("/var/log/apt") || path.startsWith("/var/log/dpkg")
        || path.startsWith("/etc/apk/cache");
  }

  /** The packages of {@code apt-get [flags] install [flags] A B=1.2 ...}; empty when it is anything else. */
  private Optional<List<String>> aptInstall(List<String> words) {
    List<String> packages = new ArrayList<>();
    boolean install = false;
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      if (w.equals("-o") || w.equals("-t") || w.equals("--target-release")) {
        i++;
      } else if (w.startsWith("-o") || w.startsWith("--option=")) {
        continue;
      } else if (w.startsWith("-")) {
        if (!APT_FLAGS.contains(w)) {
          return Optional.empty();
        }
      } else if (!install) {
        if (!w.equals("install")) {
          return Optional.empty();
        }
        install = true;
      } else {
        String name = expand(w);
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9.+_:~=/-]*")) {
          return Optional.empty();
        }
        packages.add(name);
      }
    }
    return install ? Optional.of(packages) : Optional.empty();
  }

  private record ApkAdd(List<String> packages, String virtual) {}

  private Optional<ApkAdd> apkAdd(List<String> words) {
    List<String> packages = new ArrayList<>();
    String virtual = null;
    boolean add = false;
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      if (w.equals("--virtual") || w.equals("-t")) {
        if (i + 1 >= words.size()) {
          return Optional.empty();
        }
        virtual = words.get(++i);
      } else if (w.startsWith("--virtual=")) {
        virtual = w.substring("--virtual=".length());
      } else if (w.startsWith("-")) {
        if (!APK_FLAGS.contains(w)) {
          return Optional.empty();
        }
      } else if (!add) {
        if (!w.equals("add")) {
          return Optional.empty();
        }
        add = true;
      } else {
        String name = expand(w);
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9.+_:~=<>@/-]*")) {
          return Optional.empty();
        }
        packages.add(name);
      }
    }
    return add ? Optional.of(new ApkAdd(packages, virtual)) : Optional.empty();
  }

  /** {@code curl [-fsSL] -o PATH URL}, {@code curl -O URL}, {@code wget [-q] -O PATH URL}, {@code wget URL}. */
  private Optional<Download> download(List<String> words) {
    String program = baseName(words.get(0));
    if (!program.equals("curl") && !program.equals("wget")) {
      return Optional.empty();
    }
    String url = null;
    String out = null;
    boolean remoteName = program.equals("wget");
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      if (program.equals("curl") && (w.equals("-o") || w.equals("--output")) || program.equals("wget") && (w.equals("-O")
          || w.equals("--output-document"))) {
        if (i + 1 >= words.size()) {
          return Optional.empty();
        }
        out = words.get(++i);
      } else if (program.equals("curl") && w.matches("-[a-zA-Z]*o") && w.length() > 2) {
        if (i + 1 >= words.size() || !w.substring(1, w.length() - 1).matches("[fsSLk]*")) {
          return Optional.empty();
        }
        out = words.get(++i);
      } else if (program.equals("wget") && w.matches("-q?O") ) {
        if (i + 1 >= words.size()) {
          return Optional.empty();
        }
        out = words.get(++i);
      } else if (program.equals("wget") && w.startsWith("-O") && w.length() > 2) {
        out = w.substring(2);
      } else if (program.equals("curl") && (w.equals("-O") || w.equals("--remote-name") || w.matches("-[fsSL]*O[fsSL]*"))) {
        remoteName = true;
      } else if (w.startsWith("-")) {
        boolean quiet = program.equals("curl") ? w.matches("-[fsSL]+|--fail|--silent|--show-error|--location|--retry|--proto|--tlsv1\\.2")
            : w.matches("-q|--quiet|-nv|--no-verbose|--progress=.*");
        if (!quiet) {
          return Optional.empty();
        }
        if (w.equals("--retry") || w.equals("--proto")) {
          i++;
        }
      } else if (url == null) {
        url = expand(w);
      } else {
        return Optional.empty();
      }
    }
    if (url == null || !url.matches("https?://[^\\s]+")) {
      return Optional.empty();
    }
    if (out == null && remoteName) {
      String path = URI.create(url.replace(" ", "%20")).getPath();
      String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
      if (name.isEmpty()) {
        return Optional.empty();
      }
      out = name;
    }
    if (out == null || out.equals("-")) {
      return Optional.empty();
    }
    String path = expand(out);
    if (path == null) {
      return Optional.empty();
    }
    return Optional.of(new Download(url, absolute(path), null, false));
  }

  /** Names the downloads a kept command would still make, and what to pin instead. */
  static List<String> downloaders(String text) {
    List<String> found = new ArrayList<>();
    String t = " " + text.replaceAll("\\s+", " ") + " ";
    if (t.matches(".*\\b(curl|wget)\\b.*https?://.*")) {
      found.add("downloads with curl or wget where sealbuild cannot pin it (in a pipe or with other options): write"
          + " ADD --checksum=sha256:HASH URL /path instead, and run the rest from that file");
    }
    if (t.matches(".*\\bpip3?( [^ ]+)* install\\b.*") && !t.contains("--no-index")) {
      found.add("pip install downloads from a package index: pin the wheels (pip download -d wheels, commit a"
          + " hash-pinned requirements.txt) and install with --no-index --find-links from files the spec pins;"
          + " spec: copy: [{src: wheels, dest: /tmp/wheels, temporary: true}], step: pip install --no-index"
          + " --find-links /tmp/wheels -r requirements.txt");
    }
    if (t.matches(".*\\b(npm (install|ci|i)|yarn( install)?|pnpm install)\\b.*")) {
      found.add("npm/yarn/pnpm install downloads from the registry: commit package-lock.json and install from a"
          + " vendored cache (npm ci --offline --cache DIR, DIR copied in), or build the node_modules in prep;"
          + " spec: copy: [{src: npm-cache, dest: /tmp/npm-cache, temporary: true}], step: npm ci --offline"
          + " --cache /tmp/npm-cache");
    }
    if (t.matches(".*\\bgo (mod download|get|install [^ ]+@).*")
        || t.matches(".*\\bgo build\\b.*") && !t.contains("-mod=vendor")) {
      found.add("go fetches modules: run go mod vendor, commit vendor/ with go.mod and go.sum, and build with"
          + " -mod=vendor; spec: copy: [{src: ., dest: /src}] (vendor/ included), step: go build -mod=vendor");
    }
    if (t.matches(".*\\bgit clone\\b.*")) {
      found.add("git clone needs the network: pin a tarball of the commit (ADD --checksum=sha256:HASH"
          + " https://HOST/REPO/archive/COMMIT.tar.gz /src/); spec: files: [{url: https://HOST/REPO/archive/COMMIT.tar.gz,"
          + " sha256: HASH, dest: /tmp/src.tar.gz, temporary: true}], step: tar -xzf /tmp/src.tar.gz -C /src");
    }
    if (t.matches(".*\\b(gem install|bundle install)\\b.*")) {
      found.add("gem/bundle install downloads gems: vendor them (bundle cache, commit vendor/cache) and install with"
          + " --local; spec: copy: [{src: vendor/cache, dest: /app/vendor/cache}], step: bundle install --local");
    }
    if (t.matches(".*\\bcargo (fetch|build|install)\\b.*") && !t.contains("--offline") && !t.contains("--frozen")) {
      found.add("cargo fetches crates: run cargo vendor, commit vendor/ and its .cargo/config.toml, and build with"
          + " --offline; spec: copy: [{src: ., dest: /src}] (vendor/ and .cargo/ included), step: cargo build --offline");
    }
    if (t.matches(".*( mvn |/mvnw |gradle |/gradlew ).*") && !t.contains(" -o ") && !t.contains("--offline")) {
      found.add("maven/gradle resolve dependencies from the network: resolve them into a local repository in prep"
          + " and build with --offline; spec: copy: [{src: m2-repository, dest: /root/.m2/repository, temporary: true}],"
          + " step: mvn -o package");
    }
    return found;
  }

  private String expand(String word) {
    if (word.indexOf('$') < 0) {
      return word;
    }
    Matcher m = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)").matcher(word);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String value = variables.get(name);
      if (value == null) {
        return null;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    String result = out.toString();
    return result.indexOf('$') >= 0 ? null : result;
  }

  private String absolute(String path) {
    if (path == null) {
      return null;
    }
    String joined = path.startsWith("/") ? path : (workdir.endsWith("/") ? workdir : workdir + "/") + path;
    return java.nio.file.Path.of(joined).normalize().toString();
  }

  private static String baseName(String program) {
    return program.substring(program.lastIndexOf('/') + 1);
  }
}
