package dev.sealbuild.cli;

import dev.sealbuild.builder.layercache.LayerCacheVerifier;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.bundle.CacheBundleReader;
import dev.sealbuild.prep.cache.BadBlob;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.prep.cache.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cache", mixinStandardHelpOptions = true,
    description = "Manage the vendor cache.",
    subcommands = {CacheCommand.Import.class, CacheCommand.Verify.class, CachePushCommand.class, CacheExportCommand.class,
        CacheGcCommand.class})
final class CacheCommand implements Runnable {
  @Spec CommandSpec commandSpec;

  @Override
  public void run() {
    commandSpec.commandLine().usage(commandSpec.commandLine().getOut());
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {"Add local files to the cache under their sha256 (for air-gapped machines:",
          "carry the files in, and build prep finds them cached). A bundle written by build cache export (an",
          "OCI layout tar) is unpacked instead: every blob is checked before any enters the cache."})
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec commandSpec;

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
      if (files.size() == 1 && Files.isRegularFile(env.workingDir().resolve(files.get(0)))
          && CacheBundleReader.isBundle(env.workingDir().resolve(files.get(0)))) {
        Path bundle = env.workingDir().resolve(files.get(0));
        CacheBundleReader.Result result = new CacheBundleReader(writer).importBundle(bundle);
        commandSpec.commandLine().getErr().println("imported " + result.imported() + " blobs (" + result.importedBytes()
            + " bytes) of " + result.artifacts() + " artifact" + (result.artifacts() == 1 ? "" : "s") + " from " + files.get(0)
            + " into " + writer.layout().root() + " (" + result.alreadyCached() + " already cached)");
        return 0;
      }
      for (Path file : files) {
        Path f = env.workingDir().resolve(file);
        if (!Files.isRegularFile(f)) {
          throw new CliException("cannot import " + file + ": not a regular file");
        }
        Sha256 digest = writer.importFile(f);
        commandSpec.commandLine().getOut().println(digest + "  " + file);
      }
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Re-hash every blob in the cache and every layer-cache entry (blob digest, diff_id)",
          "and report the bad ones (exit 1 when any)."})
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec commandSpec;

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
      PrintWriter out = commandSpec.commandLine().getOut();
      for (BadBlob bad : report.problems()) {
        out.println("bad: " + bad.path() + ": " + bad.problem() + " " + bad.detail() + (bad.deleted() ? " (deleted)" : ""));
      }
      LayerCacheVerifier.Report layers = new LayerCacheVerifier(writer.layout()).verify(delete);
      for (LayerCacheVerifier.Problem bad : layers.problems()) {
        out.println("bad: " + bad.path() + ": LAYER_CACHE " + bad.detail() + (bad.deleted() ? " (deleted)" : ""));
      }
      int problems = report.problems().size() + layers.problems().size();
      commandSpec.commandLine().getErr().println("verified " + report.blobsChecked() + " blobs in " + writer.layout().root()
          + (layers.entriesChecked() + layers.blobsChecked() == 0 ? ""
              : ", " + layers.entriesChecked() + " layer-cache entries, " + layers.recordsChecked() + " image records and "
                  + layers.blobsChecked() + " layer blobs") + ": "
          + (problems == 0 ? "all good" : problems + " bad" + (delete ? "" : "; rerun with --delete, then build prep")));
      return problems == 0 ? 0 : 1;
    }
  }
}
