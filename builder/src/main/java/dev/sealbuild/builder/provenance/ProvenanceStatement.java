package dev.sealbuild.builder.provenance;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.RunStep;
import dev.sealbuild.formats.oci.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An in-toto Statement v1 whose predicate is SLSA Provenance v1, describing one {@code build image} run.
 * Built only from the image, the spec, the lock and the run, with no clock or host detail, so the same
 * build gives the same bytes. Layout: docs/provenance.md.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProvenanceStatement(
    @JsonProperty("_type") String type,
    @JsonProperty("subject") List<ResourceDescriptor> subject,
    @JsonProperty("predicateType") String predicateType,
    @JsonProperty("predicate") Predicate predicate) {

  public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
  public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
  /** What a sealbuild provenance's parameters and dependencies mean; documented in docs/provenance.md. */
  public static final String BUILD_TYPE = "https://sealbuild.dev/build/v1";
  /** The builder: the sealbuild command line, run by whoever holds the signing key. */
  public static final String BUILDER_ID = "https://sealbuild.dev/builder/cli";

  /** The SLSA Provenance v1 predicate. */
  public record Predicate(
      @JsonProperty("buildDefinition") BuildDefinition buildDefinition,
      @JsonProperty("runDetails") RunDetails runDetails) {}

  public record BuildDefinition(
      @JsonProperty("buildType") String buildType,
      @JsonProperty("externalParameters") ExternalParameters externalParameters,
      @JsonProperty("resolvedDependencies") List<ResourceDescriptor> resolvedDependencies) {}

  /**
   * What the user controls: the image name, the spec (by the digest of its normalized form, the lock's
   * {@code specDigest}), the lock file (sha256 of its canonical bytes, as {@code build lock} writes it), the
   * platforms and the epoch the image was stamped with.
   */
  public record ExternalParameters(
      @JsonProperty("image") String image,
      @JsonProperty("spec") ResourceDescriptor spec,
      @JsonProperty("lockfile") ResourceDescriptor lockfile,
      @JsonProperty("platforms") List<String> platforms,
      @JsonProperty("sourceDateEpoch") long sourceDateEpoch,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("stages") List<String> stages,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("steps") List<Step> steps) {}

  /**
   * One {@code run:} step as it was defined (argv after the shell form is applied): which stage ran it (none for the
   * image's own), its number there, and what it was given.
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Step(
      @JsonProperty("stage") String stage,
      @JsonProperty("number") int number,
      @JsonProperty("command") List<String> command,
      @JsonProperty("env") Map<String, String> env,
      @JsonProperty("workdir") String workdir,
      @JsonProperty("user") String user) {
    static List<Step> of(BuildSpec spec) {
      List<Step> steps = new ArrayList<>();
      for (String stage : spec.stageOrder()) {
        add(steps, stage, spec.stage(stage).run());
      }
      add(steps, null, spec.run());
      return List.copyOf(steps);
    }

    private static void add(List<Step> steps, String stage, List<RunStep> run) {
      for (int i = 0; i < run.size(); i++) {
        RunStep r = run.get(i);
        steps.add(new Step(stage, i + 1, r.argv(), r.env(), r.workdir(), r.user()));
      }
    }
  }

  public record RunDetails(
      @JsonProperty("builder") Builder builder,
      @JsonProperty("metadata") RunMetadata metadata) {}

  public record Builder(
      @JsonProperty("id") String id,
      @JsonProperty("version") Map<String, String> version) {}

  /** SLSA extension field (vendor-prefixed, as SLSA v1 asks): whether the image phase had no network. */
  public record RunMetadata(@JsonProperty("sealbuild_networkIsolated") boolean networkIsolated) {}

  /** The provenance of {@code image}, built from {@code spec} and {@code lock} in {@code run}. */
  public static ProvenanceStatement of(BuiltImage image, BuildSpec spec, Lockfile lock, BuildRun run) {
    Sha256 lockDigest = Sha256.hash(new LockfileIO().toBytes(lock));
    ExternalParameters parameters = new ExternalParameters(spec.name(),
        ResourceDescriptor.of(null, null, SpecDigest.of(spec), null, Map.of()),
        ResourceDescriptor.of(null, Lockfile.FILE_NAME, lockDigest, null, Map.of()),
        spec.platforms().stream().map(Platform::toString).toList(), run.sourceDateEpoch(), spec.stageOrder(), Step.of(spec));
    BuildDefinition definition = new BuildDefinition(BUILD_TYPE, parameters, ResolvedDependencies.of(spec, lock));
    RunDetails details = new RunDetails(new Builder(BUILDER_ID, Map.of("sealbuild", run.sealbuildVersion())),
        new RunMetadata(run.networkIsolated()));
    return new ProvenanceStatement(STATEMENT_TYPE, subjects(image, spec), SLSA_PROVENANCE_V1, new Predicate(definition, details));
  }

  /**
   * The image's root (an index, or the manifest of a single-platform image) named as the spec names the image,
   * then each platform's manifest that is not the root itself.
   */
  private static List<ResourceDescriptor> subjects(BuiltImage image, BuildSpec spec) {
    List<ResourceDescriptor> subjects = new ArrayList<>();
    Descriptor root = image.root();
    Platform rootPlatform = image.platforms().entrySet().stream()
        .filter(e -> e.getValue().image().digest().equals(root.digest())).map(Map.Entry::getKey).findFirst().orElse(null);
    subjects.add(ResourceDescriptor.of(null, spec.name(), root.digest(), root.mediaType(),
        rootPlatform == null ? Map.of() : Map.of("platform", rootPlatform.toString())));
    image.platforms().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .filter(e -> !e.getValue().image().digest().equals(root.digest()))
        .forEach(e -> subjects.add(ResourceDescriptor.of(null, spec.name() + " (" + e.getKey() + ")",
            e.getValue().image().digest(), e.getValue().image().descriptor().mediaType(), Map.of("platform", e.getKey().toString()))));
    return List.copyOf(subjects);
  }

  /** Canonical pretty JSON (sorted keys, two-space indent, trailing newline): the unsigned provenance file. */
  public byte[] toJson() {
    return CanonicalJson.pretty(this);
  }

  /** Canonical compact JSON: the DSSE payload. */
  public byte[] toPayload() {
    return CanonicalJson.compact(this);
  }
}
