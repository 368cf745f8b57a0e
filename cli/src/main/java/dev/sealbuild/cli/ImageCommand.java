package dev.sealbuild.cli;

import dev.sealbuild.builder.source.LocalFileDigests;
import dev.sealbuild.builder.build.ImageBuild;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.builder.layercache.LayerCache;
import dev.sealbuild.builder.stage.StepSettings;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.builder.output.OutputTarget;
import dev.sealbuild.builder.record.ImageRecord;
import dev.sealbuild.builder.record.ImageRecords;
import dev.sealbuild.formats.digest.Sha256;
import java.util.Map;
import dev.sealbuild.builder.provenance.SigningKey;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.formats.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
  static final String LAYER_CACHE_VARIABLE = "SEALBUILD_LAYER_CACHE";

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

  @Option(names = "--no-layer-cache",
      description = "build every layer from its inputs; neither reuse nor store layers in CACHE/layers "
          + "(also: SEALBUILD_LAYER_CACHE=off)")
  boolean noLayerCache;

  @Option(names = "--runtime", paramLabel = "PATH",
      description = "the OCI runtime that runs run: steps (default: runc on the PATH)")
  Path runtime;

  private final Environment env;

  ImageCommand(Environment env) {
    this.env = env;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = commandSpec.commandLine().getOut();
    PrintWriter err = commandSpec.commandLine().getErr();
    NetworkIsolation.Mode mode = NetworkIsolation.Mode.parse(isolation);
    NetworkIsolation netns = new NetworkIsolation(env, err);
    Optional<Integer> child = netns.reexecIfNeeded(mode, originalArgs());
    if (child.isPresent()) {
      return child.get();
    }
    NetworkIsolation.State state = mode == NetworkIsolation.Mode.OFF ? NetworkIsolation.State.DISABLED
        : netns.inside() ? netns.verifyInside() : NetworkIsolation.State.NOT_ISOLATED;
    if (state == NetworkIsolation.State.ISOLATED) {
      err.println("network: isolated (new network namespace, no interfaces up)");
    }
    probe(err);

    VendorCacheLayout cacheLayout = env.cache(options.cache());
    boolean layerCacheOn = !noLayerCache && !"off".equalsIgnoreCase(String.valueOf(env.get(LAYER_CACHE_VARIABLE)).trim());
    Optional<Map.Entry<Sha256, Path>> recordKey = layerCacheOn && signKey == null && options.dockerfile.file == null
        ? ImageRecordKey.of(env, options.path, recordOptions(state)) : Optional.empty();
    ImageRecords records = new ImageRecords(cacheLayout, err::println);
    ImageBuild.Run run = new ImageBuild.Run(VersionProvider.version(), state == NetworkIsolation.State.ISOLATED,
        state.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    StepSettings steps = new StepSettings(runtime == null ? null : env.workingDir().resolve(runtime), err::println);
    LayerCache layers = layerCacheOn ? LayerCache.in(cacheLayout, err::println) : LayerCache.disabled();
    // the image record, the layer key and the SBOM all hash the local files: once each
    LocalFileDigests localFiles = new LocalFileDigests();
    ImageBuild build = new ImageBuild(new CacheReader(cacheLayout), run, err::println, layers, steps,
        HostXz.choose(env).orElse(null), localFiles);
    if (recordKey.isPresent()) {
      Sha256 key = recordKey.get().getKey();
      Optional<ImageRecord> record = records.find(key, recordKey.get().getValue(), env::get, localFiles);
      if (record.isPresent()) {
        ImageBuild.Delivery delivery = new ImageBuild.Delivery(record.get().name(), record.get().sourceDateEpoch(),
            targets(record.get().name(), recordKey.get().getValue()), platform(), path(provenance), path(digestFile));
        Optional<BuiltImage> image = build.deliver(delivery, records, key, record.get());
        if (image.isPresent()) {
          out.println(image.get().digest());
          return 0;
        }
      }
    }

    RecordingVariables variables = new RecordingVariables(env.variables());
    Project project = Project.load(new Environment(variables, env.workingDir()), options.path, options.dockerfile);
    Optional<SigningKey> key = signKey == null ? Optional.empty() : Optional.of(SigningKey.load(env.workingDir().resolve(signKey)));
    Lockfile lock = new LockfileIO().read(project.lockFile());
    Long sde = env.sourceDateEpoch();
    long epoch = sde != null ? sde : lock.sourceDateEpoch();
    ImageBuild.Request request = new ImageBuild.Request(project.spec(), lock, project.specDir(), epoch,
        targets(project.spec().name(), project.specDir()), platform(), !noAttach, key, path(provenance), path(digestFile));
    ImageBuild.Keeper keeper = null;
    if (recordKey.isPresent() && variables.complete()) {
      Sha256 recordedKey = recordKey.get().getKey();
      keeper = ImageRecords.inputs(project.spec(), lock, project.specDir(), variables.read(), epoch, localFiles)
          .<ImageBuild.Keeper>map(inputs -> (image, document) -> records.store(recordedKey, inputs, image, document))
          .orElse(null);
    }
    BuiltImage image = build.build(request, keeper);
    out.println(image.digest());
    return 0;
  }

  /** The options that reach the image, for the record's key (outputs do not: they are written from the image). */
  private Map<String, Object> recordOptions(NetworkIsolation.State state) {
    Map<String, Object> o = new java.util.TreeMap<>();
    o.put("attach", !noAttach);
    o.put("network", state);
    o.put("platform", String.valueOf(platform));
    o.put("provenance", provenance != null);
    o.put("runtime", String.valueOf(runtime == null ? null : env.workingDir().resolve(runtime)));
    return o;
  }

  private Path path(Path given) {
    return given == null ? null : env.workingDir().resolve(given);
  }

  private Platform platform() {
    if (platform == null) {
      return null;
    }
    try {
      return Platform.parse(platform);
    } catch (dev.sealbuild.formats.oci.OciFormatException e) {
      throw new CliException("--platform: " + e.getMessage());
    }
  }

  private String[] originalArgs() {
    return commandSpec.commandLine().getParseResult().originalArgs().toArray(String[]::new);
  }

  private List<OutputTarget> targets(String name, Path specDir) {
    List<OutputTarget> targets = new ArrayList<>();
    if (outputs.isEmpty()) {
      String base = name.substring(name.lastIndexOf('/') + 1).replace(':', '_');
      targets.add(new OutputTarget(OutputTarget.Transport.OCI_ARCHIVE, specDir.resolve("out").resolve(base + ".tar"), "latest"));
    }
    for (String o : outputs) {
      try {
        targets.add(OutputTarget.parse(o, env.workingDir()));
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
    }
    return targets;
  }

  /** Diagnostics: with SEALBUILD_ISOLATION_PROBE=HOST:PORT, try one connection and report what the kernel said. */
  private void probe(PrintWriter err) {
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
        err.println("isolation probe: connected to " + target);
      }
    } catch (IOException e) {
      err.println("isolation probe: connection to " + target + " failed: " + e.getMessage());
    }
  }

}
