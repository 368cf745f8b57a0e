package dev.sealbuild.cli;

import dev.sealbuild.prep.http.Transport;
import dev.sealbuild.prep.http.TransportSettings;
import dev.sealbuild.prep.push.ImagePusher;
import dev.sealbuild.prep.push.OciLayoutReader;
import dev.sealbuild.prep.push.PushDestination;
import dev.sealbuild.prep.push.PushListener;
import dev.sealbuild.prep.push.PushPlan;
import dev.sealbuild.prep.push.PushResult;
import dev.sealbuild.prep.push.PushSource;
import dev.sealbuild.prep.registry.BlobPush;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.prep.registry.ImageReference;
import dev.sealbuild.prep.registry.RegistryPusher;
import dev.sealbuild.prep.registry.RegistrySettings;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

@Command(name = "push", mixinStandardHelpOptions = true,
    description = {"Upload a built image to a registry (online). Only blobs the registry lacks are sent; manifests go",
        "byte for byte, so the pushed digest is the built one, checked against what the registry serves back.",
        "The last line on stdout is the image digest."})
final class PushCommand implements Callable<Integer> {
  static final int MAX_RETRIES = 10;

  @Spec CommandSpec commandSpec;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "oci:DIR[:TAG] or oci-archive:FILE[:TAG] (TAG may be left out when it holds one image)")
  String source;

  @Parameters(index = "1", paramLabel = "DEST", description = "docker://REGISTRY[:PORT]/REPOSITORY[:TAG]")
  String destination;

  @picocli.CommandLine.Mixin
  RegistryOptions registryOptions = new RegistryOptions();

  @Option(names = "--retries", paramLabel = "N", defaultValue = "2",
      description = "retries of a request after a connection error, 429 or 5xx (default: ${DEFAULT-VALUE})")
  int retries;

  private final Environment env;

  PushCommand(Environment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    if (retries < 0 || retries > MAX_RETRIES) {
      throw new CliException("--retries must be between 0 and " + MAX_RETRIES);
    }
    PushSource from = PushSource.parse(source, env.workingDir());
    ImageReference to = PushDestination.parse(destination);
    RegistrySettings settings = registryOptions.settings(env);
    Transport transport = new Transport(TransportSettings.fromEnvironment(env.variables()).withAttempts(retries + 1));
    PrintWriter err = commandSpec.commandLine().getErr();
    try (transport; OciLayoutReader layout = from.open(); RegistryPusher registry = new RegistryPusher(settings, transport)) {
      PushPlan plan = PushPlan.of(layout, from.tag());
      err.println("push: " + from + " -> " + to + ": " + plan.summary());
      PushResult result = new ImagePusher(registry, new Progress(err)).push(plan, to);
      err.println("pushed " + result.reference() + " (" + result.uploaded() + " blobs uploaded, " + result.uploadedBytes() + " bytes; "
          + result.mounted() + " mounted; " + result.existed() + " already there)");
      commandSpec.commandLine().getOut().println(result.digest());
    }
    return 0;
  }

  /** One stderr line per blob and manifest. */
  private record Progress(PrintWriter err) implements PushListener {
    @Override
    public void blob(Descriptor blob, BlobPush outcome, String mountedFrom) {
      err.println(switch (outcome) {
        case UPLOADED -> "uploaded " + blob.digest() + " (" + blob.size() + " bytes)";
        case MOUNTED -> "mounted " + blob.digest() + " from " + mountedFrom;
        case EXISTED -> "exists " + blob.digest();
      });
    }

    @Override
    public void manifest(Descriptor manifest, String reference) {
      err.println("pushed manifest " + reference);
    }
  }
}
