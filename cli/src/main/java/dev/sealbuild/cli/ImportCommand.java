package dev.sealbuild.cli;

import dev.sealbuild.lockfiles.dockerfile.ReportEntry;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Write the build.yaml a Dockerfile stands for, and report what became of each instruction:",
        "mapped, pinned (a download the lock now pins), runs offline (a build step with no network), dropped, or",
        "needs you (something to pin by hand: the line says what). Exit 0 when nothing needs you, else 3.",
        "lock, prep and image also take the Dockerfile directly; import is for teams that switch to build.yaml."})
final class ImportCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "PATH",
      description = "the Dockerfile, or the build context holding it (default: .)")
  Path path;

  @Mixin
  DockerfileOptions dockerfile = new DockerfileOptions();

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "where to write the spec (default: standard output); it must sit in the build context")
  Path output;

  @Option(names = "--force", description = "replace FILE when it exists")
  boolean force;

  private final Environment env;

  ImportCommand(Environment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = commandSpec.commandLine().getOut();
    PrintWriter err = commandSpec.commandLine().getErr();
    Path given = path;
    if (dockerfile.file == null && given != null && Files.isRegularFile(env.workingDir().resolve(given))) {
      dockerfile.file = given;
      given = null;
    }
    if (dockerfile.file == null) {
      Path dir = env.workingDir().resolve(given == null ? Path.of(".") : given);
      dockerfile.file = dir.resolve("Dockerfile");
    }
    Project project = Project.load(env, given, dockerfile);
    String header = "# Written by `build import` from " + env.workingDir().relativize(project.specFile())
        + ". Copy sources are relative to this file's directory.\n";
    String yaml = header + project.dockerfile().yaml();
    if (output == null) {
      out.print(yaml);
      out.flush();
    } else {
      Path target = env.workingDir().resolve(output).toAbsolutePath().normalize();
      if (!target.getParent().equals(project.specDir())) {
        throw new CliException(output + ": write the spec into the build context " + project.specDir()
            + ", where its copy sources are; for example -o " + env.workingDir().relativize(project.specDir().resolve(SpecReader.DEFAULT_FILE_NAME)));
      }
      if (Files.exists(target) && !force) {
        throw new CliException(output + " exists; pass --force to replace it");
      }
      AtomicFile.write(target, yaml.getBytes(StandardCharsets.UTF_8));
      err.println("wrote " + env.workingDir().relativize(target));
    }
    for (ReportEntry e : project.dockerfile().report()) {
      err.println(e.render(env.workingDir().relativize(project.specFile()).toString()));
    }
    long needs = project.dockerfile().report().stream().filter(e -> e.outcome() == ReportEntry.Outcome.NEEDS_USER).count();
    err.println(needs == 0 ? "every instruction maps; the spec builds offline once locked and prepped"
        : needs + " instruction(s) need you before the build can run offline (see 'needs you' above)");
    err.flush();
    return needs == 0 ? 0 : 3;
  }

  /** The instructions of a Dockerfile project that still need the user, printed before lock runs. */
  static void warnings(Project project, PrintWriter err) {
    for (ReportEntry e : project.dockerfile().report()) {
      if (e.outcome() == ReportEntry.Outcome.NEEDS_USER) {
        err.println("warning: " + e.render(project.specFile().getFileName().toString()));
      }
    }
  }
}
