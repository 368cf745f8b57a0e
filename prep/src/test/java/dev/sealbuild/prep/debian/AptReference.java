package dev.sealbuild.prep.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real apt-get, isolated from the host's configuration: its own sources list (exactly the repository the resolver
 * reads), lists, cache, empty dpkg status and no apt.conf.d or preferences from the host. Used as the reference.
 */
final class AptReference {
  private static final Pattern INST = Pattern.compile("^Inst (\\S+) (?:\\[[^\\]]*\\] )?\\((\\S+) ");

  private final Path root;
  private final Path config;

  /** Writes the configuration and runs {@code apt-get update} against {@code repository}. */
  AptReference(Path root, URI repository, String suite, List<String> components, String architecture,
      Path keyring) throws IOException, InterruptedException {
    this(root, List.of(sourceLine(repository, suite, components, architecture, keyring)), architecture);
  }

  /** One-line {@code deb} source entry. */
  static String sourceLine(URI repository, String suite, List<String> components, String architecture, Path keyring) {
    return "deb [arch=" + architecture + " signed-by=" + keyring + "] " + repository + " " + suite + " "
        + String.join(" ", components);
  }

  /** Writes the configuration for these sources (in this order) and runs {@code apt-get update}. */
  AptReference(Path root, List<String> sourceLines, String architecture) throws IOException, InterruptedException {
    this(root, sourceLines, architecture, List.of());
  }

  /**
   * As {@link #AptReference(Path, List, String)} with {@code foreignArchitectures} enabled too (what
   * {@code dpkg --add-architecture} does).
   */
  AptReference(Path root, List<String> sourceLines, String architecture, List<String> foreignArchitectures)
      throws IOException, InterruptedException {
    this.root = root;
    Path empty = Files.createDirectories(root.resolve("empty"));
    Files.createDirectories(root.resolve("lists/partial"));
    Files.createDirectories(root.resolve("cache/archives/partial"));
    Files.createDirectories(root.resolve("state"));
    Files.writeString(root.resolve("status"), "");
    Files.writeString(root.resolve("sources.list"), String.join("\n", sourceLines) + "\n");
    this.config = root.resolve("apt.conf");
    Files.writeString(config, String.join("\n",
        "Dir::Etc::parts \"" + empty + "\";",
        "Dir::Etc::main \"" + root.resolve("no-apt.conf") + "\";",
        "Dir::Etc::sourcelist \"" + root.resolve("sources.list") + "\";",
        "Dir::Etc::sourceparts \"" + empty + "\";",
        "Dir::Etc::preferences \"" + root.resolve("no-preferences") + "\";",
        "Dir::Etc::preferencesparts \"" + empty + "\";",
        "Dir::State \"" + root.resolve("state") + "\";",
        "Dir::State::Lists \"" + root.resolve("lists") + "\";",
        "Dir::State::status \"" + root.resolve("status") + "\";",
        "Dir::Cache \"" + root.resolve("cache") + "\";",
        "APT::Architecture \"" + architecture + "\";",
        "APT::Architectures { \"" + architecture + "\"; "
            + foreignArchitectures.stream().map(a -> "\"" + a + "\"; ").collect(java.util.stream.Collectors.joining())
            + "};",
        "APT::Install-Recommends \"false\";",
        "APT::Install-Suggests \"false\";",
        "APT::Sandbox::User \"root\";",
        "Acquire::Languages \"none\";",
        "Debug::NoLocking \"true\";",
        ""));
    Result update = run("update");
    assertEquals(0, update.exit(), "apt-get update failed: " + update.output());
  }

  /**
   * Replaces the dpkg status with these packages, installed; each entry is {@code name version [Provides]}. The
   * exclusion tests use it: an excluded package behaves as one that is already installed.
   */
  void installed(List<String> packages) throws IOException {
    StringBuilder status = new StringBuilder();
    for (String p : packages) {
      String[] parts = p.split(" ", 3);
      status.append("Package: ").append(parts[0]).append("\nStatus: install ok installed\nVersion: ").append(parts[1])
          .append("\nArchitecture: all\nMaintainer: none\n")
          .append(parts.length > 2 ? "Provides: " + parts[2] + "\n" : "")
          .append("Description: installed\n\n");
    }
    Files.writeString(root.resolve("status"), status.toString());
  }

  /** Writes apt preferences (Pin-Priority stanzas) that every later run reads. */
  void preferences(String text) throws IOException {
    Files.writeString(root.resolve("no-preferences"), text);
  }

  record Result(int exit, String output) {
  }

  /** {@code name=version} of each {@code Inst} line of {@code apt-get -s install packages}. */
  Set<String> simulateInstall(String... packages) throws IOException, InterruptedException {
    Result result = simulate(packages);
    assertEquals(0, result.exit(), "apt-get -s install failed: " + result.output());
    Set<String> installed = instLines(result);
    assertTrue(!installed.isEmpty(), "apt printed no Inst lines: " + result.output());
    return installed;
  }

  Result simulate(String... packages) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("-s", "install"));
    args.addAll(List.of(packages));
    return run(args.toArray(String[]::new));
  }

  static Set<String> instLines(Result result) {
    Set<String> installed = new TreeSet<>();
    for (String line : result.output().split("\n")) {
      Matcher m = INST.matcher(line);
      if (m.find()) {
        installed.add(m.group(1) + "=" + m.group(2));
      }
    }
    return installed;
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("apt-get", "-q"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("APT_CONFIG", config.toString());
    builder.environment().put("LC_ALL", "C");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(300, TimeUnit.SECONDS), "apt-get timed out");
    return new Result(process.exitValue(), output);
  }

  Path root() {
    return root;
  }
}
