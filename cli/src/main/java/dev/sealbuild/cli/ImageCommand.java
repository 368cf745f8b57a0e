package dev.sealbuild.cli;

import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.builder.image.ImageAssembler;
import dev.sealbuild.builder.output.DockerArchiveWriter;
import dev.sealbuild.builder.output.ImageWriter;
import dev.sealbuild.builder.output.OciArchiveWriter;
import dev.sealbuild.builder.output.OciLayoutWriter;
import dev.sealbuild.builder.output.OutputTarget;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.lockfiles.spec.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.sealbuild.builder.image.Referrers;
import dev.sealbuild.builder.sbom.SbomFormat;
import dev.sealbuild.builder.sbom.SbomGenerator;
import dev.sealbuild.builder.provenance.BuildRun;
import dev.sealbuild.builder.provenance.DsseEnvelope;
import dev.sealbuild.builder.provenance.ProvenanceStatement;
import dev.sealbuild.builder.provenance.ProvenanceWriter;
import dev.sealbuild.builder.provenance.SigningKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "image", mixinStandardHelpOptions = true,
    description = {"Assemble the image offline from the spec, the lock, local copy: sources and the vendor cache.",
        "Runs in a new network namespace with no interfaces where the kernel allows it.",
        "The last line on stdout is the image digest."})
final class ImageCommand implements Callable<Integer> {
  static final String PROBE_VARIABLE = "SEALBUILD_ISOLATION_PROBE";
  static final String DSSE_ENVELOPE = "application/vnd.dsse.envelope.v1+json";
  static final String SPDX_JSON = "application/spdx+json";

  @Spec CommandSpec commandSpec;

  @picocli.CommandLine.Mixin
  ProjectOptions options = new ProjectOptions();

  @Option(names = {"-o", "--output"}, paramLabel = "TRANSPORT:PATH",
      description = "oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:NAME:TAG]; repeatable "
          + "(default: oci-archive:<spec dir>/out/<name>.tar:latest)")
  List<String> outputs = new ArrayList<>();

  @Option(names = "--digest-file", paramLabel = "FILE", description = "also write the image digest to FILE")
  Path digestFile;

  @Option(names = "--platform", paramLabel = "OS/ARCH", description = "platform for docker-archive when several are built")
  String platform;

  @Option(names = "--provenance", paramLabel = "FILE",
      description = "also write the SLSA provenance (an in-toto statement) to FILE")
  Path provenance;

  @Option(names = "--sign-key", paramLabel = "KEY",
      description = "sign the provenance with this PEM private key (ECDSA P-256 or Ed25519): a DSSE envelope")
  Path signKey;

  @Option(names = "--no-attach", description = "do not attach the SBOM and the provenance to tagged OCI outputs as OCI 1.1 referrers")
  boolean noAttach;

  @Option(names = "--network-isolation", paramLabel = "MODE", defaultValue = "auto",
      description = "auto (isolate where possible, warn otherwise), require, or off (default: ${DEFAULT-VALUE})")
  String isolation;

  private final Environment env;

  ImageCommand(Environment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws IOException {
    NetworkIsolation.Mode mode = NetworkIsolation.Mode.parse(isolation);
    NetworkIsolation netns = new NetworkIsolation(env, System.err);
    Optional<Integer> child = netns.reexecIfNeeded(mode, originalArgs());
    if (child.isPresent()) {
      return child.get();
    }
    NetworkIsolation.State state = mode == NetworkIsolation.Mode.OFF ? NetworkIsolation.State.DISABLED
        : netns.inside() ? netns.verifyInside() : NetworkIsolation.State.NOT_ISOLATED;
    if (state == NetworkIsolation.State.ISOLATED) {
      System.err.println("network: isolated (new network namespace, no interfaces up)");
    }
    probe();

    Project project = Project.load(env, options.path);
    Optional<SigningKey> key = signKey == null ? Optional.empty() : Optional.of(SigningKey.load(env.workingDir().resolve(signKey)));
    Lockfile lock = new LockfileIO().read(project.lockFile());
    Long sde = env.sourceDateEpoch();
    long epoch = sde != null ? sde : lock.sourceDateEpoch();
    List<OutputTarget> targets = targets(project);
    Platform chosen = platform == null ? null : Platform.parse(platform);

    Path firstParent = Files.createDirectories(targets.get(0).path().toAbsolutePath().getParent());
    Path staging = Files.createTempDirectory(firstParent, ".sealbuild-staging");
    try {
      CacheReader cacheReader = new CacheReader(env.cache(options.cache()));
      ImageAssembler assembler = new ImageAssembler(cacheReader, DecompressionLimits.DEFAULT, msg -> System.err.println(msg));
      BuiltImage image = assembler.assemble(project.spec(), lock, project.specDir(), epoch, staging);
      BuildRun run = new BuildRun(VersionProvider.version(), epoch, state == NetworkIsolation.State.ISOLATED);
      ProvenanceStatement statement = ProvenanceStatement.of(image, project.spec(), lock, run);
      if (!noAttach) {
        byte[] sbom = new SbomGenerator(cacheReader, DecompressionLimits.DEFAULT, VersionProvider.version())
            .generate(project.spec(), lock, project.specDir(), SbomFormat.SPDX_JSON);
        image = Referrers.attach(image, SPDX_JSON, sbom, epoch);
        byte[] document = new ProvenanceWriter().render(statement, key);
        image = Referrers.attach(image, key.isPresent() ? DSSE_ENVELOPE : DsseEnvelope.IN_TOTO_PAYLOAD_TYPE, document, epoch);
      }
      Map<String, String> annotations = Map.of("dev.sealbuild.network", state.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      for (OutputTarget target : targets) {
        writer(target, project, epoch, chosen).write(image, target, annotations);
        System.err.println("wrote " + target);
      }
      if (provenance != null) {
        new ProvenanceWriter().write(statement, key, env.workingDir().resolve(provenance));
        System.err.println("wrote provenance " + provenance + (key.isPresent() ? " (signed, key " + key.get().keyId() + ")" : ""));
      }
      String digest = image.digest().toString();
      if (digestFile != null) {
        Path f = env.workingDir().resolve(digestFile);
        Files.writeString(f, digest + "\n", StandardCharsets.UTF_8);
      }
      System.out.println(digest);
      return 0;
    } finally {
      Trees.delete(staging);
    }
  }

  private String[] originalArgs() {
    return commandSpec.commandLine().getParseResult().originalArgs().toArray(String[]::new);
  }

  private List<OutputTarget> targets(Project project) {
    List<OutputTarget> targets = new ArrayList<>();
    if (outputs.isEmpty()) {
      String name = project.spec().name();
      String base = name.substring(name.lastIndexOf('/') + 1).replace(':', '_');
      targets.add(new OutputTarget(OutputTarget.Transport.OCI_ARCHIVE, project.specDir().resolve("out").resolve(base + ".tar"), "latest"));
    }
    for (String o : outputs) {
      targets.add(OutputTarget.parse(o, env.workingDir()));
    }
    return targets;
  }

  private static ImageWriter writer(OutputTarget target, Project project, long epoch, Platform platform) {
    return switch (target.transport()) {
      case OCI -> new OciLayoutWriter();
      case OCI_ARCHIVE -> new OciArchiveWriter(epoch);
      case DOCKER_ARCHIVE -> new DockerArchiveWriter(epoch, project.spec().name(), platform);
    };
  }

  /** Diagnostics: with SEALBUILD_ISOLATION_PROBE=HOST:PORT, try one connection and report what the kernel said. */
  private void probe() {
    String target = env.get(PROBE_VARIABLE);
    if (target == null || target.isBlank()) {
      return;
    }
    int colon = target.lastIndexOf(':');
    String host = target.substring(0, colon);
    int port = Integer.parseInt(target.substring(colon + 1));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      try (InputStream ignored = s.getInputStream()) {
        System.err.println("isolation probe: connected to " + target);
      }
    } catch (IOException e) {
      System.err.println("isolation probe: connection to " + target + " failed: " + e.getMessage());
    }
  }

}
