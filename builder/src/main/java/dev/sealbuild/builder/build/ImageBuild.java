package dev.sealbuild.builder.build;

import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.XzCommand;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.builder.image.ImageAssembler;
import dev.sealbuild.builder.image.Referrers;
import dev.sealbuild.builder.layercache.LayerCache;
import dev.sealbuild.builder.stage.StepSettings;
import dev.sealbuild.builder.output.AtomicOutput;
import dev.sealbuild.builder.output.DockerArchiveWriter;
import dev.sealbuild.builder.output.ImageWriter;
import dev.sealbuild.builder.output.OciArchiveWriter;
import dev.sealbuild.builder.output.OciLayoutWriter;
import dev.sealbuild.builder.output.OutputBatch;
import dev.sealbuild.builder.output.OutputTarget;
import dev.sealbuild.builder.provenance.BuildRun;
import dev.sealbuild.builder.record.ImageRecord;
import dev.sealbuild.builder.record.ImageRecords;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.builder.provenance.DsseEnvelope;
import dev.sealbuild.builder.provenance.ProvenanceStatement;
import dev.sealbuild.builder.provenance.ProvenanceWriter;
import dev.sealbuild.builder.provenance.SigningKey;
import dev.sealbuild.builder.sbom.SbomFormat;
import dev.sealbuild.builder.sbom.SbomGenerator;
import dev.sealbuild.builder.source.LocalFileDigests;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.formats.oci.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code build image}: the offline build as named steps: assemble the image from spec, lock and cache; write its SBOM
 * and provenance; attach both as OCI 1.1 referrers; write every output (all or none); then the provenance file and
 * the digest file.
 */
public final class ImageBuild {
  public static final String DSSE_ENVELOPE = "application/vnd.dsse.envelope.v1+json";
  public static final String SPDX_JSON = "application/spdx+json";

  /** What to build and where to put it. */
  public record Request(
      BuildSpec spec, Lockfile lock, Path specDir, long sourceDateEpoch, List<OutputTarget> outputs, Platform platform,
      boolean attach, Optional<SigningKey> signingKey, Path provenanceFile, Path digestFile) {
    public Request {
      if (outputs.isEmpty()) {
        throw new IllegalArgumentException("an image build needs at least one output");
      }
      outputs = List.copyOf(outputs);
    }

    public Delivery delivery() {
      return new Delivery(spec.name(), sourceDateEpoch, outputs, platform, provenanceFile, digestFile);
    }
  }

  /** Where a built image goes: its outputs (named after the spec's name where a format needs one) and files. */
  public record Delivery(String name, long sourceDateEpoch, List<OutputTarget> outputs, Platform platform,
      Path provenanceFile, Path digestFile) {
    public Delivery {
      if (outputs.isEmpty()) {
        throw new IllegalArgumentException("an image build needs at least one output");
      }
      outputs = List.copyOf(outputs);
    }
  }

  /** Told of each image built, while its blobs are still in the staging directory (to record it). */
  public interface Keeper {
    /** {@code provenance}: the unsigned provenance document when one was asked for, else null. */
    void keep(BuiltImage image, byte[] provenance) throws IOException;
  }

  /** How the build ran, recorded in the provenance and the layout annotations. */
  public record Run(String sealbuildVersion, boolean networkIsolated, String networkState) {}

  private final CacheReader cache;
  private final Run run;
  private final Consumer<String> messages;
  private final LayerCache layerCache;
  private final StepSettings steps;
  private final XzCommand xz;
  private final LocalFileDigests localFiles;

  public ImageBuild(CacheReader cache, Run run, Consumer<String> messages) {
    this(cache, run, messages, LayerCache.disabled());
  }

  public ImageBuild(CacheReader cache, Run run, Consumer<String> messages, LayerCache layerCache) {
    this(cache, run, messages, layerCache, StepSettings.defaults(messages));
  }

  public ImageBuild(CacheReader cache, Run run, Consumer<String> messages, LayerCache layerCache, StepSettings steps) {
    this(cache, run, messages, layerCache, steps, null);
  }

  /** With the host's {@code xz} to decode packages and archives (null: xz-java; the image is the same). */
  public ImageBuild(CacheReader cache, Run run, Consumer<String> messages, LayerCache layerCache, StepSettings steps,
      XzCommand xz) {
    this(cache, run, messages, layerCache, steps, xz, new LocalFileDigests());
  }

  /** With the digests of the local files the command hashed for its image record (each file is read once). */
  public ImageBuild(CacheReader cache, Run run, Consumer<String> messages, LayerCache layerCache, StepSettings steps,
      XzCommand xz, LocalFileDigests localFiles) {
    this.xz = xz;
    this.localFiles = localFiles;
    this.cache = cache;
    this.run = run;
    this.messages = messages;
    this.layerCache = layerCache;
    this.steps = steps;
  }

  /** Builds and writes the image; returns it (its digest is what the command prints). */
  public BuiltImage build(Request request) throws IOException {
    return build(request, null);
  }

  /** Builds and writes the image, then tells {@code keeper} (when not null) of it. */
  public BuiltImage build(Request request, Keeper keeper) throws IOException {
    Path staging = staging(request.delivery());
    try {
      BuiltImage image = assemble(request, staging);
      ProvenanceStatement statement = ProvenanceStatement.of(image, request.spec(), request.lock(),
          new BuildRun(run.sealbuildVersion(), request.sourceDateEpoch(), run.networkIsolated()));
      if (request.attach()) {
        image = attachSbom(request, image);
        image = attachProvenance(request, image, statement);
      }
      writeOutputs(request.delivery(), image);
      writeProvenance(request, statement);
      writeDigest(request.delivery(), image);
      if (keeper != null) {
        keeper.keep(image, request.provenanceFile() == null ? null
            : new ProvenanceWriter().render(statement, Optional.empty()));
      }
      return image;
    } finally {
      AtomicOutput.deleteTree(staging);
    }
  }

  /**
   * Writes the image {@code record} holds (found unchanged for its key) to {@code delivery}'s outputs, as
   * {@link #build} writes a new one; empty when a blob of it is missing or damaged (then build instead).
   */
  public Optional<BuiltImage> deliver(Delivery delivery, ImageRecords records, Sha256 key, ImageRecord record)
      throws IOException {
    if (delivery.provenanceFile() != null && record.provenance() == null) {
      return Optional.empty();
    }
    Path staging = staging(delivery);
    try {
      Optional<BuiltImage> image = records.materialize(key, record, staging);
      if (image.isEmpty()) {
        return image;
      }
      messages.accept("reusing image " + image.get().digest() + ": spec, lock and local sources unchanged since it was built");
      writeOutputs(delivery, image.get());
      if (delivery.provenanceFile() != null) {
        new ProvenanceWriter().write(ImageRecords.provenance(record, image.get()), delivery.provenanceFile());
        messages.accept("wrote provenance " + delivery.provenanceFile());
      }
      writeDigest(delivery, image.get());
      return image;
    } finally {
      AtomicOutput.deleteTree(staging);
    }
  }

  private static Path staging(Delivery delivery) throws IOException {
    Path firstParent = Files.createDirectories(delivery.outputs().get(0).path().toAbsolutePath().getParent());
    return Files.createTempDirectory(firstParent, ".sealbuild-staging");
  }

  private BuiltImage assemble(Request request, Path staging) throws IOException {
    ImageAssembler assembler = new ImageAssembler(cache, DecompressionLimits.DEFAULT, messages, layerCache, steps, xz, localFiles);
    return assembler.assemble(request.spec(), request.lock(), request.specDir(), request.sourceDateEpoch(), staging);
  }

  private BuiltImage attachSbom(Request request, BuiltImage image) throws IOException {
    SbomGenerator sbom = new SbomGenerator(cache, DecompressionLimits.DEFAULT, run.sealbuildVersion(), localFiles);
    return Referrers.attach(image, SPDX_JSON, out -> sbom.generate(request.spec(), request.lock(), request.specDir(),
        SbomFormat.SPDX_JSON, request.sourceDateEpoch(), out), request.sourceDateEpoch());
  }

  private static BuiltImage attachProvenance(Request request, BuiltImage image, ProvenanceStatement statement) throws IOException {
    byte[] document = new ProvenanceWriter().render(statement, request.signingKey());
    String type = request.signingKey().isPresent() ? DSSE_ENVELOPE : DsseEnvelope.IN_TOTO_PAYLOAD_TYPE;
    return Referrers.attach(image, type, document, request.sourceDateEpoch());
  }

  private void writeOutputs(Delivery delivery, BuiltImage image) throws IOException {
    List<OutputBatch.Planned> planned = delivery.outputs().stream()
        .map(target -> new OutputBatch.Planned(target, writer(target, delivery))).toList();
    Map<String, String> annotations = Map.of("dev.sealbuild.network", run.networkState());
    new OutputBatch(planned).write(image, annotations, target -> messages.accept("wrote " + target));
  }

  private void writeProvenance(Request request, ProvenanceStatement statement) {
    if (request.provenanceFile() == null) {
      return;
    }
    new ProvenanceWriter().write(statement, request.signingKey(), request.provenanceFile());
    messages.accept("wrote provenance " + request.provenanceFile()
        + request.signingKey().map(k -> " (signed, key " + k.keyId() + ")").orElse(""));
  }

  private static void writeDigest(Delivery delivery, BuiltImage image) throws IOException {
    if (delivery.digestFile() != null) {
      Files.writeString(delivery.digestFile(), image.digest() + "\n", StandardCharsets.UTF_8);
    }
  }

  private static ImageWriter writer(OutputTarget target, Delivery delivery) {
    return switch (target.transport()) {
      case OCI -> new OciLayoutWriter();
      case OCI_ARCHIVE -> new OciArchiveWriter(delivery.sourceDateEpoch());
      case DOCKER_ARCHIVE -> new DockerArchiveWriter(delivery.sourceDateEpoch(), delivery.name(), delivery.platform());
    };
  }
}
