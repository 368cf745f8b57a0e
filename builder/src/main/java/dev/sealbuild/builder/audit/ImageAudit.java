package dev.sealbuild.builder.audit;

import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.builder.build.ImageBuild;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.builder.image.ImageAssembler;
import dev.sealbuild.builder.inspect.ImageReader;
import dev.sealbuild.builder.inspect.StoredImage;
import dev.sealbuild.builder.provenance.DsseVerifier;
import dev.sealbuild.builder.provenance.ProvenanceException;
import dev.sealbuild.builder.provenance.VerifiedStatement;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * {@code build audit}: accounts for every file of a stored image against a replay of the project's build, in named
 * steps: read the image (untrusted), check its signed provenance when asked, audit every layer entry, and when asked
 * rebuild offline and compare digests.
 */
public final class ImageAudit {
  /** What to audit, against which project; {@code verifyKey} and {@code provenance} are optional. */
  public record Request(String image, Path workingDir, BuildSpec spec, Lockfile lock, Path specDir, long sourceDateEpoch,
      boolean rebuild, Path verifyKey, Path provenance) {}

  /** The audit; the comparison with a rebuild (null unless asked); the provenance check's line (null unless asked). */
  public record Result(AuditReport report, Reproduction reproduction, String provenance) {
    public boolean passed() {
      return report.unaccounted().isEmpty() && (reproduction == null || reproduction.reproduced());
    }
  }

  private final CacheReader cache;
  private final Consumer<String> messages;

  public ImageAudit(CacheReader cache, Consumer<String> messages) {
    this.cache = cache;
    this.messages = messages;
  }

  /** Audits in {@code work}, a scratch directory the caller removes. */
  public Result audit(Request request, Path work) throws IOException {
    StoredImage stored = new ImageReader(Files.createDirectories(work.resolve("unpacked"))).read(request.image(), request.workingDir());
    String verified = request.verifyKey() == null ? null : verifyProvenance(request, stored);
    ImageAssembler assembler = new ImageAssembler(cache, DecompressionLimits.DEFAULT, message -> { });
    AuditReport report = new Auditor(assembler, DecompressionLimits.DEFAULT)
        .audit(stored, request.spec(), request.lock(), request.specDir(), request.sourceDateEpoch(), work);
    Reproduction reproduction = null;
    if (request.rebuild()) {
      messages.accept("rebuilding offline to compare");
      BuiltImage rebuilt = assembler.assemble(request.spec(), request.lock(), request.specDir(), request.sourceDateEpoch(),
          Files.createDirectories(work.resolve("rebuild")));
      reproduction = new Reproducer(DecompressionLimits.DEFAULT).compare(stored, rebuilt);
    }
    return new Result(report, reproduction, verified);
  }

  /**
   * Checks the DSSE-signed provenance (attached as a referrer, or the file given) against the key, and that its
   * subject is this image. Returns a line saying so; any failure is an error.
   */
  private static String verifyProvenance(Request request, StoredImage stored) throws IOException {
    Path envelope = request.provenance() != null ? request.provenance() : stored.referrers().stream()
        .filter(r -> r.artifactType().equals(ImageBuild.DSSE_ENVELOPE)).map(StoredImage.Referrer::document).findFirst()
        .orElseThrow(() -> new ProvenanceException(request.image() + " carries no signed provenance; give it with --provenance FILE"));
    VerifiedStatement statement = DsseVerifier.verify(envelope, request.verifyKey());
    Sha256 subject = stored.root() != null ? stored.root() : null;
    boolean names = subject == null || statement.subjectDigests().contains(subject);
    if (!names) {
      throw new ProvenanceException("the provenance is signed by key " + statement.keyId() + " but is about "
          + statement.subjectDigests() + ", not " + request.image() + " (" + subject + ")");
    }
    return subject == null
        ? "provenance: signed by key " + statement.keyId() + " (a docker-archive has no manifest digest to compare with its subject)"
        : "provenance: signed by key " + statement.keyId() + " and names this image";
  }
}
