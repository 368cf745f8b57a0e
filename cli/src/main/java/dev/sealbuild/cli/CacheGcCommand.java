package dev.sealbuild.cli;

import dev.sealbuild.prep.cache.CacheGc;
import dev.sealbuild.prep.cache.CacheWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "gc", mixinStandardHelpOptions = true,
    description = {"List the cached blobs none of the kept projects' locks need (a dry run), or delete them with",
        "--delete. Blobs being written (tmp/) and blobs written in the last 10 minutes are never deleted; the layer",
        "cache (layers/) is left alone."})
final class CacheGcCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Option(names = "--keep", required = true, arity = "1..*", paramLabel = "PATH",
      description = "spec file, Dockerfile or directory of a project whose lock's blobs to keep (repeatable)")
  List<Path> keep;

  @Option(names = "--delete", description = "delete what no kept lock needs (default: only list it)")
  boolean delete;

  @Mixin
  CacheOption cacheOption = new CacheOption();

  private final Environment env;

  CacheGcCommand(Environment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    CacheLocks locks = CacheLocks.load(env, keep);
    CacheWriter cache = CacheWriter.open(env.cache(cacheOption.cache));
    CacheGc gc = new CacheGc(cache.layout(), Clock.systemUTC());
    CacheGc.Plan plan = gc.plan(locks.needed().keySet());
    PrintWriter out = commandSpec.commandLine().getOut();
    for (CacheGc.Unneeded blob : plan.unneeded()) {
      out.println((blob.recent() ? "recent " : delete ? "delete " : "unneeded ") + blob.digest() + " " + blob.size());
    }
    long bytes = plan.deletable().stream().mapToLong(CacheGc.Unneeded::size).sum();
    int recent = plan.unneeded().size() - plan.deletable().size();
    String kept = plan.kept() + " blobs needed by the " + locks.entries().size() + " kept lock" + (locks.entries().size() == 1 ? "" : "s")
        + (recent == 0 ? "" : ", " + recent + " unneeded but written in the last " + CacheGc.GRACE.toMinutes() + " minutes (kept)");
    PrintWriter err = commandSpec.commandLine().getErr();
    if (delete) {
      int deleted = gc.delete(plan);
      err.println("gc: deleted " + deleted + " blobs (" + bytes + " bytes) from " + cache.layout().root() + "; kept " + kept);
    } else {
      err.println("gc: " + plan.deletable().size() + " blobs (" + bytes + " bytes) in " + cache.layout().root()
          + " are needed by no kept lock; kept " + kept + (plan.deletable().isEmpty() ? "" : "; rerun with --delete to delete them"));
    }
    return 0;
  }
}
