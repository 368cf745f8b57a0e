package dev.sealbuild.cli;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.cache.BadBlob;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.prep.cache.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cache", mixinStandardHelpOptions = true,
    description = "Manage the vendor cache.",
    subcommands = {CacheCommand.Import.class, CacheCommand.Verify.class})
final class CacheCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {"Add local files to the cache under their sha256 (for air-gapped machines:",
          "carry the files in, and build prep finds them cached)."})
  static final class Import implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @picocli.CommandLine.Mixin
    CacheOption cacheOption = new CacheOption();

    private final Environment env;

    Import(Environment env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      CacheWriter writer = CacheWriter.open(env.cache(cacheOption.cache));
      for (Path file : files) {
        Path f = env.workingDir().resolve(file);
        if (!Files.isRegularFile(f)) {
          throw new CliException("cannot import " + file + ": not a regular file");
        }
        Sha256 digest = writer.importFile(f);
        System.out.println(digest + "  " + file);
      }
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Re-hash every blob in the cache and report the bad ones (exit 1 when any).")
  static final class Verify implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    CacheOption cacheOption = new CacheOption();

    @Option(names = "--delete", description = "delete bad entries so the next build prep fetches them again")
    boolean delete;

    private final Environment env;

    Verify(Environment env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      CacheWriter writer = CacheWriter.open(env.cache(cacheOption.cache));
      VerifyReport report = writer.verifyAll(delete);
      for (BadBlob bad : report.problems()) {
        System.out.println("bad: " + bad.path() + ": " + bad.problem() + " " + bad.detail() + (bad.deleted() ? " (deleted)" : ""));
      }
      System.err.println("verified " + report.blobsChecked() + " blobs in " + writer.layout().root() + ": "
          + (report.clean() ? "all good" : report.problems().size() + " bad" + (delete ? "" : "; rerun with --delete, then build prep")));
      return report.clean() ? 0 : 1;
    }
  }
}
