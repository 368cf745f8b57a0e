package dev.sealbuild.cli;

import dev.sealbuild.builder.audit.AuditReport;
import dev.sealbuild.builder.audit.AuditedFile;
import dev.sealbuild.builder.audit.ImageAudit;
import dev.sealbuild.builder.audit.Reproduction;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.inspect.StoredImage;
import dev.sealbuild.builder.provenance.DsseVerifier;
import dev.sealbuild.builder.provenance.VerifiedStatement;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Account for every file in every layer of IMAGE: which pinned input of the project put it there.",
        "IMAGE is oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE or docker://REFERENCE (the only online form).",
        "The project (spec, lock and prepared cache) is PATH, else the current directory; naming PATH also rebuilds",
        "the image offline and compares digests. Exit 1 when any entry is unaccounted or the rebuild differs."})
final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec commandSpec;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "the image to audit")
  String image;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "spec file, Dockerfile or directory holding one; rebuild and compare")
  Path path;

  @Mixin
  CacheOption cacheOption = new CacheOption();

  @Mixin
  DockerfileOptions dockerfile = new DockerfileOptions();

  @Option(names = "--json", description = "print the report as JSON on stdout")
  boolean json;

  @Option(names = "--verify-key", paramLabel = "PUB",
      description = "check the signed provenance (attached to IMAGE, or --provenance FILE) against this PEM public key")
  Path verifyKey;

  @Option(names = "--provenance", paramLabel = "FILE", description = "the signed provenance to check, when it is not attached to IMAGE")
  Path provenance;

  @Mixin
  RegistryOptions registryOptions = new RegistryOptions();

  private final Environment env;

  AuditCommand(Environment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = commandSpec.commandLine().getOut();
    Project project = Project.load(env, path, dockerfile);
    Lockfile lock = new LockfileIO().read(project.lockFile());
    Long sde = env.sourceDateEpoch();
    long epoch = sde != null ? sde : lock.sourceDateEpoch();
    Path work = Files.createTempDirectory("sealbuild-audit");
    try {
      String location = image;
      if (image.startsWith("docker://")) {
        location = new RegistryDownload(registryOptions.settings(env)).toLayout(image.substring("docker://".length()),
            project.spec().platforms(), Files.createDirectories(work.resolve("pulled")));
      }
      ImageAudit.Request request = new ImageAudit.Request(location, env.workingDir(), project.spec(), lock, project.specDir(), epoch,
          path != null, verifyKey == null ? null : env.workingDir().resolve(verifyKey),
          provenance == null ? null : env.workingDir().resolve(provenance));
      ImageAudit.Result result = new ImageAudit(new CacheReader(env.cache(cacheOption.cache)), commandSpec.commandLine().getErr()::println)
          .audit(request, work);
      if (json) {
        printJson(out, result.report(), result.reproduction(), result.provenance(), removals(lock));
      } else {
        printTable(out, result.report(), result.reproduction());
        removals(lock).forEach(out::println);
        if (result.provenance() != null) {
          out.println(result.provenance());
        }
      }
      return result.passed() ? 0 : 1;
    } finally {
      Trees.delete(work);
    }
  }

  private static void printTable(PrintWriter out, AuditReport report, Reproduction reproduction) {
    int pathWidth = report.files().stream().mapToInt(f -> f.path().length()).max().orElse(4);
    pathWidth = Math.min(Math.max(pathWidth, 4), 60);
    boolean multi = report.files().stream().map(AuditedFile::platform).distinct().count() > 1;
    out.printf("%s%-5s %-11s %-" + pathWidth + "s  %s%n", multi ? "PLATFORM      " : "", "LAYER", "ORIGIN", "PATH", "FROM");
    for (AuditedFile f : report.files()) {
      out.printf("%s%-5d %-11s %-" + pathWidth + "s  %s%n", multi ? String.format("%-13s ", f.platform()) : "", f.layer(),
          f.origin().kind(), f.path(), f.origin().description());
    }
    Map<String, Integer> byKind = new TreeMap<>();
    report.files().forEach(f -> byKind.merge(f.origin().kind(), 1, Integer::sum));
    out.println();
    out.println(report.files().size() + " entries: " + byKind.toString().replaceAll("[{}]", "").replace("=", " "));
    List<AuditedFile> unaccounted = report.unaccounted();
    if (!unaccounted.isEmpty()) {
      out.println("UNACCOUNTED: " + unaccounted.size() + " entries match no pinned input:");
      unaccounted.forEach(f -> out.println("  layer " + f.layer() + " " + f.path() + ": " + f.origin().description()));
    }
    if (reproduction != null) {
      out.println(reproduction.reproduced() ? "reproduced: " + reproduction.rebuiltDigest()
          : "NOT reproduced (rebuild " + reproduction.rebuiltDigest() + "): " + reproduction.difference());
    }
  }

  /** What the lock takes out of the base (its files are whiteouts above), one line each: the image and each stage. */
  private static List<String> removals(Lockfile lock) {
    List<String> lines = new java.util.ArrayList<>();
    lock.removedList().forEach(r -> lines.add("removed from base: " + r.describe()));
    lock.stageMap().forEach((name, stage) -> stage.removedList()
        .forEach(r -> lines.add("removed from base (stage '" + name + "'): " + r.describe())));
    return lines;
  }

  private static void printJson(PrintWriter out, AuditReport report, Reproduction reproduction, String verified,
      List<String> removed) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("image", report.image());
    doc.put("files", report.files());
    doc.put("unaccounted", report.unaccounted().size());
    if (!removed.isEmpty()) {
      doc.put("removedFromBase", removed);
    }
    if (reproduction != null) {
      doc.put("reproduction", reproduction);
    }
    if (verified != null) {
      doc.put("provenance", verified);
    }
    out.print(new String(CanonicalJson.pretty(doc), StandardCharsets.UTF_8));
    out.flush();
  }

}
