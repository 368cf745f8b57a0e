package dev.sealbuild.builder.build;

import dev.sealbuild.formats.compress.DecompressionLimits;
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
import dev.sealbuild.builder.provenance.DsseEnvelope;
import dev.sealbuild.builder.provenance.ProvenanceStatement;
import dev.sealbuild.builder.provenance.ProvenanceWriter;
import dev.sealbuild.builder.provenance.SigningKey;
import dev.sealbuild.builder.sbom.SbomFormat;
import dev.sealbuild.builder.sbom.SbomGenerator;
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
  }

  /** How the build ran, recorded in the provenance and the layout annotations. */
  public record Run(String sealbuildVersion, boolean networkIsolated, String networkState) {}

  private final CacheReader cache;
  private final Run run;
  private final Consumer<String> messages;
  private final LayerCache layerCache;
  private final StepSettings steps;

  public ImageBuild(CacheReader cache, Run run, Consumer<String> messages) {
    this(cache, run, messages, LayerCache.disabled());
  }

  public ImageBuild(CacheReader cache, Run run, Consumer<String> messages, LayerCache layerCache) {
    this(cache, run, messages, layerCache, StepSettings.defaults(messages));
  }

  public ImageBuild(CacheReader cache, Run run, Consumer<String> messages, LayerCache layerCache, StepSettings steps) {
    this.cache = cache;
    this.run = run;
    this.messages = messages;
    this.layerCache = layerCache;
    this.steps = steps;
  }

  /** Builds and writes the image; returns it (its digest is what the command prints). */
  public BuiltImage build(Request request) throws IOException {
    Path firstParent = Files.createDirectories(request.outputs().get(0).path().toAbsolutePath().getParent());
    Path staging = Files.createTempDirectory(firstParent, ".sealbuild-staging");
    try {
      BuiltImage image = assemble(request, staging);
      ProvenanceStatement statement = ProvenanceStatement.of(image, request.spec(), request.lock(),
          new BuildRun(run.sealbuildVersion(), request.sourceDateEpoch(), run.networkIsolated()));
      if (request.attach()) {
        image = attachSbom(request, image);
        image = attachProvenance(request, image, statement);
      }
      writeOutputs(request, image);
      writeProvenance(request, statement);
      writeDigest(request, image);
      return image;
    } finally {
      AtomicOutput.deleteTree(staging);
    }
  }

  private BuiltImage assemble(Request request, Path staging) throws IOException {
    ImageAssembler assembler = new ImageAssembler(cache, DecompressionLimits.DEFAULT, messages, layerCache, steps);
    return assembler.assemble(request.spec(), request.lock(), request.specDir(), request.sourceDateEpoch(), staging);
  }

  private BuiltImage attachSbom(Request request, BuiltImage image) throws IOException {
    SbomGenerator sbom = new SbomGenerator(cache, DecompressionLimits.DEFAULT, run.sealbuildVersion());
    return Referrers.attach(image, SPDX_JSON, out -> sbom.generate(request.spec(), request.lock(), request.specDir(),
        SbomFormat.SPDX_JSON, request.sourceDateEpoch(), out), request.sourceDateEpoch());
  }

  private static BuiltImage attachProvenance(Request request, BuiltImage image, ProvenanceStatement statement) throws IOException {
    byte[] document = new ProvenanceWriter().render(statement, request.signingKey());
    String type = request.signingKey().isPresent() ? DSSE_ENVELOPE : DsseEnvelope.IN_TOTO_PAYLOAD_TYPE;
    return Referrers.attach(image, type, document, request.sourceDateEpoch());
  }

  private void writeOutputs(Request request, BuiltImage image) throws IOException {
    List<OutputBatch.Planned> planned = request.outputs().stream()
        .map(target -> new OutputBatch.Planned(target, writer(target, request))).toList();
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

  private static void writeDigest(Request request, BuiltImage image) throws IOException {
    if (request.digestFile() != null) {
      Files.writeString(request.digestFile(), image.digest() + "\n", StandardCharsets.UTF_8);
    }
  }

  private static ImageWriter writer(OutputTarget target, Request request) {
    return switch (target.transport()) {
      case OCI -> new OciLayoutWriter();
      case OCI_ARCHIVE -> new OciArchiveWriter(request.sourceDateEpoch());
      case DOCKER_ARCHIVE -> new DockerArchiveWriter(request.sourceDateEpoch(), request.spec().name(), request.platform());
    };
  }
}
