package dev.sealbuild.cli;

import dev.sealbuild.formats.dockerfile.DockerIgnore;
import dev.sealbuild.formats.dockerfile.DockerfileParser;
import dev.sealbuild.lockfiles.dockerfile.DockerfileTranslator;
import dev.sealbuild.lockfiles.dockerfile.Translation;
import dev.sealbuild.lockfiles.dockerfile.TranslationOptions;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.SpecException;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A spec file, its directory, its parsed spec and where its lockfile lives. A Dockerfile is a spec too: then
 * {@code specDir} is the build context and {@code dockerfile} what became of each instruction.
 */
record Project(Path specFile, Path specDir, BuildSpec spec, Path lockFile, Translation dockerfile) {
  private static final long MAX_DOCKERFILE = 1 << 20;

  static Project load(Environment env, Path pathOrDir) {
    return load(env, pathOrDir, new DockerfileOptions());
  }

  static Project load(Environment env, Path pathOrDir, DockerfileOptions options) {
    Path given = env.workingDir().resolve(pathOrDir == null ? Path.of(".") : pathOrDir).toAbsolutePath().normalize();
    Path dockerfile = null;
    Path context = given;
    if (options.file != null) {
      dockerfile = env.workingDir().resolve(options.file).toAbsolutePath().normalize();
      context = pathOrDir == null ? dockerfile.getParent() : given;
    } else if (Files.isDirectory(given)) {
      if (!Files.exists(given.resolve(SpecReader.DEFAULT_FILE_NAME)) && Files.isRegularFile(given.resolve("Dockerfile"))) {
        dockerfile = given.resolve("Dockerfile");
      }
    } else if (isDockerfileName(given)) {
      dockerfile = given;
      context = given.getParent();
    }
    if (dockerfile == null) {
      Path specFile = SpecReader.locate(given);
      BuildSpec spec = new SpecReader(env.variables()).read(specFile);
      return new Project(specFile, specFile.getParent(), spec, LockfileIO.besideSpec(specFile), null);
    }
    if (!Files.isDirectory(context)) {
      throw new CliException(context + ": the build context must be a directory");
    }
    String display = display(env, dockerfile);
    String text = read(dockerfile, display);
    DockerIgnore ignore = DockerIgnore.parse(readIgnore(dockerfile, context));
    String name = options.name != null ? options.name : TranslationOptions.defaultName(context);
    Translation translation = new DockerfileTranslator(new TranslationOptions(name, options.buildArgs, options.target,
        context, ignore)).translate(DockerfileParser.parse(text, display));
    Path lock = options.lock != null ? env.workingDir().resolve(options.lock).toAbsolutePath().normalize()
        : dockerfile.resolveSibling(dockerfile.getFileName() + ".lock.json");
    return new Project(dockerfile, context, translation.spec(), lock, translation);
  }

  /** Dockerfile, Containerfile, Dockerfile.NAME, NAME.Dockerfile (any case of the suffix). */
  static boolean isDockerfileName(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    return lower.equals("dockerfile") || lower.equals("containerfile") || lower.startsWith("dockerfile.") && !lower.endsWith(".json")
        || lower.endsWith(".dockerfile") || lower.startsWith("containerfile.");
  }

  private static String display(Environment env, Path file) {
    Path rel = file.startsWith(env.workingDir()) ? env.workingDir().relativize(file) : file;
    return rel.toString().isEmpty() ? file.toString() : rel.toString();
  }

  private static String read(Path file, String display) {
    try {
      if (Files.size(file) > MAX_DOCKERFILE) {
        throw new SpecException(display + ": larger than 1 MiB; that is not a Dockerfile");
      }
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SpecException(display + ": no such file; pass the Dockerfile's path with -f");
    } catch (IOException e) {
      throw new SpecException(display + ": cannot read: " + e.getMessage());
    }
  }

  /** {@code NAME.dockerignore} beside the Dockerfile wins over the context's {@code .dockerignore}, as in BuildKit. */
  private static String readIgnore(Path dockerfile, Path context) {
    Path own = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
    Path shared = context.resolve(".dockerignore");
    Path chosen = Files.isRegularFile(own) ? own : Files.isRegularFile(shared) ? shared : null;
    if (chosen == null) {
      return "";
    }
    try {
      if (Files.size(chosen) > MAX_DOCKERFILE) {
        throw new SpecException(chosen + ": larger than 1 MiB");
      }
      return Files.readString(chosen, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SpecException(chosen + ": cannot read: " + e.getMessage());
    }
  }
}
