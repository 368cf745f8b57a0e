package dev.sealbuild.cli;

import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.builder.audit.AuditReport;
import dev.sealbuild.builder.audit.AuditedFile;
import dev.sealbuild.builder.audit.Auditor;
import dev.sealbuild.builder.audit.Reproducer;
import dev.sealbuild.builder.audit.Reproduction;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.builder.image.ImageAssembler;
import dev.sealbuild.builder.inspect.ImageReader;
import dev.sealbuild.builder.inspect.StoredImage;
import dev.sealbuild.builder.provenance.DsseVerifier;
import dev.sealbuild.builder.provenance.VerifiedStatement;
import dev.sealbuild.lockfiles.json.CanonicalJson;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Account for every file in every layer of IMAGE: which pinned input of the project put it there.",
        "IMAGE is oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE or docker://REFERENCE (the only online form).",
        "The project (spec, lock and prepared cache) is PATH, else the current directory; naming PATH also rebuilds",
        "the image offline and compares digests. Exit 1 when any entry is unaccounted or the rebuild differs."})
final class AuditCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "IMAGE", description = "the image to audit")
  String image;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "spec file or directory holding build.yaml; rebuild and compare")
  Path path;

  @Mixin
  CacheOption cacheOption = new CacheOption();

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
    Project project = Project.load(env, path);
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
      StoredImage stored = new ImageReader(Files.createDirectories(work.resolve("unpacked"))).read(location, env.workingDir());
      String verified = verifyKey == null ? null : verifyProvenance(stored);
      CacheReader cache = new CacheReader(env.cache(cacheOption.cache));
      ImageAssembler assembler = new ImageAssembler(cache, DecompressionLimits.DEFAULT, message -> { });
      AuditReport report = new Auditor(assembler, DecompressionLimits.DEFAULT)
          .audit(stored, project.spec(), lock, project.specDir(), epoch, work);
      Reproduction reproduction = null;
      if (path != null) {
        System.err.println("rebuilding offline to compare");
        BuiltImage rebuilt = assembler.assemble(project.spec(), lock, project.specDir(), epoch, Files.createDirectories(work.resolve("rebuild")));
        reproduction = new Reproducer(DecompressionLimits.DEFAULT).compare(stored, rebuilt);
      }
      if (json) {
        printJson(report, reproduction, verified);
      } else {
        printTable(report, reproduction);
        if (verified != null) {
          System.out.println(verified);
        }
      }
      boolean ok = report.unaccounted().isEmpty() && (reproduction == null || reproduction.reproduced());
      return ok ? 0 : 1;
    } finally {
      Trees.delete(work);
    }
  }

  private static void printTable(AuditReport report, Reproduction reproduction) {
    int pathWidth = report.files().stream().mapToInt(f -> f.path().length()).max().orElse(4);
    pathWidth = Math.min(Math.max(pathWidth, 4), 60);
    boolean multi = report.files().stream().map(AuditedFile::platform).distinct().count() > 1;
    System.out.printf("%s%-5s %-11s %-" + pathWidth + "s  %s%n", multi ? "PLATFORM      " : "", "LAYER", "ORIGIN", "PATH", "FROM");
    for (AuditedFile f : report.files()) {
      System.out.printf("%s%-5d %-11s %-" + pathWidth + "s  %s%n", multi ? String.format("%-13s ", f.platform()) : "", f.layer(),
          f.origin().kind(), f.path(), f.origin().description());
    }
    Map<String, Integer> byKind = new TreeMap<>();
    report.files().forEach(f -> byKind.merge(f.origin().kind(), 1, Integer::sum));
    System.out.println();
    System.out.println(report.files().size() + " entries: " + byKind.toString().replaceAll("[{}]", "").replace("=", " "));
    List<AuditedFile> unaccounted = report.unaccounted();
    if (!unaccounted.isEmpty()) {
      System.out.println("UNACCOUNTED: " + unaccounted.size() + " entries match no pinned input:");
      unaccounted.forEach(f -> System.out.println("  layer " + f.layer() + " " + f.path() + ": " + f.origin().description()));
    }
    if (reproduction != null) {
      System.out.println(reproduction.reproduced() ? "reproduced: " + reproduction.rebuiltDigest()
          : "NOT reproduced (rebuild " + reproduction.rebuiltDigest() + "): " + reproduction.difference());
    }
  }

  /**
   * Checks the DSSE-signed provenance (attached as a referrer, or the file given) against the key, and that its
   * subject is this image. Returns a line saying so; any failure is an error.
   */
  private String verifyProvenance(StoredImage stored) throws IOException {
    Path envelope = provenance != null ? env.workingDir().resolve(provenance) : stored.referrers().stream()
        .filter(r -> r.artifactType().equals(ImageCommand.DSSE_ENVELOPE)).map(StoredImage.Referrer::document).findFirst()
        .orElseThrow(() -> new CliException(image + " carries no signed provenance; give it with --provenance FILE"));
    VerifiedStatement statement = DsseVerifier.verify(envelope, env.workingDir().resolve(verifyKey));
    dev.sealbuild.formats.digest.Sha256 subject = stored.root() != null ? stored.root() : null;
    boolean names = subject != null ? statement.subjectDigests().contains(subject)
        : stored.platforms().stream().allMatch(p -> p.manifest() == null);
    if (!names) {
      throw new CliException("the provenance is signed by key " + statement.keyId() + " but is about " + statement.subjectDigests()
          + ", not " + image + " (" + subject + ")");
    }
    return subject == null
        ? "provenance: signed by key " + statement.keyId() + " (a docker-archive has no manifest digest to compare with its subject)"
        : "provenance: signed by key " + statement.keyId() + " and names this image";
  }

  private static void printJson(AuditReport report, Reproduction reproduction, String verified) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("image", report.image());
    doc.put("files", report.files());
    doc.put("unaccounted", report.unaccounted().size());
    if (reproduction != null) {
      doc.put("reproduction", reproduction);
    }
    if (verified != null) {
      doc.put("provenance", verified);
    }
    System.out.write(CanonicalJson.pretty(doc));
    System.out.flush();
  }

}
