package dev.sealbuild.builder.stage;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.formats.UserError;
import dev.sealbuild.builder.source.Fingerprints;
import dev.sealbuild.builder.source.LayerSource;
import dev.sealbuild.builder.step.ChangeSet;
import dev.sealbuild.builder.step.StepCommand;
import dev.sealbuild.builder.step.StepLabel;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.spec.RunStep;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import java.util.Optional;

/**
 * One {@code run:} step as a source of the tree: it runs in a network-less container over the tree so far (with the
 * scope's temporary inputs laid over it) and its change set is applied. With a step cache and the key of the tree
 * before it, an unchanged step is not run again: its recorded change set is applied instead.
 */
public final class RunStepSource implements LayerSource {
  private final StepLabel label;
  private final RunStep step;
  private final List<LayerSource> temporaries;
  private final Platform platform;
  private final long epoch;
  private final StepRunner runner;
  private final Map<String, String> env;
  private StepCache cache;
  private Sha256 treeKey;

  /** Runs one step over a tree; the assembler gives each scope one (it owns the work directory and the spool). */
  public interface StepRunner {
    ChangeSet run(ImageTree tree, List<LayerSource> temporaries, StepCommand command, StepLabel label, Platform platform)
        throws IOException;
  }

  public RunStepSource(StepLabel label, RunStep step, List<LayerSource> temporaries, Platform platform, long epoch,
      StepRunner runner) {
    this(label, step, temporaries, platform, epoch, runner, Map.of());
  }

  /** With the base image's environment ({@link StepEnvironment}), which the step's own {@code env:} overrides. */
  public RunStepSource(StepLabel label, RunStep step, List<LayerSource> temporaries, Platform platform, long epoch,
      StepRunner runner, Map<String, String> baseEnv) {
    Map<String, String> effective = new TreeMap<>(baseEnv);
    effective.remove("SOURCE_DATE_EPOCH");
    effective.putAll(step.env());
    this.env = Collections.unmodifiableMap(effective);
    this.label = label;
    this.step = step;
    this.temporaries = List.copyOf(temporaries);
    this.platform = platform;
    this.epoch = epoch;
    this.runner = runner;
  }

  /** From now on, reuse and record this step's change set under the key of the tree before it. */
  public void cacheUnder(StepCache cache, Sha256 treeKey) {
    this.cache = cache;
    this.treeKey = treeKey;
  }

  public StepLabel label() {
    return label;
  }

  public RunStep step() {
    return step;
  }

  @Override
  public String describe() {
    String shown = step.display().replace('\n', ' ');
    return label + ": " + (shown.length() > 200 ? shown.substring(0, 197) + "..." : shown);
  }

  /**
   * The step's definition (with its effective environment: the base image's under its own), its platform and epoch (it
   * sees both), and what its temporary inputs are.
   */
  @Override
  public Object fingerprint() throws IOException {
    List<Object> temps = new ArrayList<>();
    for (LayerSource t : temporaries) {
      temps.add(t.fingerprint());
    }
    Map<String, Object> key = Fingerprints.of("run", "argv", step.argv(), "env", env, "workdir", step.workdir(),
        "user", step.user(), "platform", platform.toString(), "epoch", epoch, "temporaries", temps);
    if (!step.tmpfs().isEmpty()) {
      key.put("tmpfs", step.tmpfs());
    }
    return key;
  }

  @Override
  public void addTo(ImageTree tree) throws IOException {
    Sha256 key = cache == null ? null : cache.key(treeKey, fingerprint());
    if (key != null) {
      Optional<ChangeSet> cached = cache.lookup(key, describe());
      if (cached.isPresent()) {
        cached.get().applyTo(tree);
        return;
      }
    }
    requireProgram(tree);
    ChangeSet changes = runner.run(tree, temporaries, command(), label, platform);
    if (key != null) {
      cache.store(key, changes, describe());
    }
  }

  /** A missing program is named before any container starts (the runtime's own message is about exec and stat). */
  private void requireProgram(ImageTree tree) {
    String program = step.argv().get(0);
    if (!program.startsWith("/")) {
      return;
    }
    Node node;
    try {
      node = tree.lookup(tree.resolveFully(EntryPath.parse(program)));
    } catch (RuntimeException e) {
      node = null;
    }
    if (!(node instanceof Node.RegularFile)) {
      throw new UserError(describe() + ": " + program + " is not in the tree the step runs in"
          + (step.shell() != null ? "; a string command runs under /bin/sh -c: add a shell (dash, busybox) to this "
              + (label.stage() == null ? "image" : "stage") + " or write the command as an argv list"
              : "; install the package that provides it or fix the path"));
    }
  }

  private StepCommand command() {
    return new StepCommand(step.argv(), env, step.workdir(), step.user(), Duration.ofSeconds(step.timeout()),
        step.display(), step.tmpfs());
  }
}
