package dev.sealbuild.builder.step;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.LayerTree;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.source.BuildOnlyPackagesSource;
import dev.sealbuild.builder.source.LayerSource;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.UserError;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one build step in a container with no network over the merged view of an image tree, and applies its effect
 * to the tree's current layer as a {@link ChangeSet}. Temporary inputs are present while the step runs and never in
 * the change set. The step's private directory (bundle, root file system, runtime state) is removed afterwards,
 * whatever happened.
 */
public final class StepExecutor {
  static final int LAST_LINES = 20;
  private static final long POLL_MILLIS = 50;
  private final ContainerRuntime runtime;
  private final Path workDir;
  private final ContentSpool spool;
  private final long epoch;
  private final Consumer<String> output;
  private final StepLimits limits;
  private final IdMapping ids;
  private final SecureRandom random = new SecureRandom();

  public StepExecutor(ContainerRuntime runtime, Path workDir, ContentSpool spool, long epoch, Consumer<String> output)
      throws IOException {
    this(runtime, workDir, spool, epoch, output, StepLimits.DEFAULT);
  }

  public StepExecutor(ContainerRuntime runtime, Path workDir, ContentSpool spool, long epoch, Consumer<String> output,
      StepLimits limits) throws IOException {
    this.runtime = runtime;
    this.workDir = workDir;
    this.spool = spool;
    this.epoch = epoch;
    this.output = output;
    this.limits = limits;
    this.ids = IdMapping.forCurrentUser();
  }

  public ChangeSet run(ImageTree tree, List<? extends LayerSource> temporaries, StepCommand command, StepLabel label)
      throws IOException {
    runtime.check();
    String what = label + " (" + oneLine(command.display()) + ")";
    Path stepDir = privateDirectory();
    String id = "sealbuild-" + HexFormat.of().formatHex(bytes(8));
    Path state = stepDir.resolve("state");
    Path rootfs = stepDir.resolve("rootfs");
    boolean started = false;
    try {
      Files.createDirectory(state);
      TemporaryPaths listener = new TemporaryPaths();
      MaterializedTree materialized;
      StepUser user;
      boolean tmpfsTmp;
      tree.startScratchLayer("temporary inputs of " + label);
      try {
        tree.listen(listener);
        try {
          for (LayerSource source : temporaries) {
            listener.filesOnly = source instanceof BuildOnlyPackagesSource;
            source.addTo(tree);
          }
        } finally {
          tree.stopListening(listener);
        }
        user = StepUser.resolve(command.user(), tree, what);
        if (ids.rootless() && (user.uid() != 0 || user.gid() != 0)) {
          throw new UserError(what + " runs as " + user.uid() + ":" + user.gid() + ", but not as root only uid and "
              + "gid 0 exist in a step's user namespace: run the build as root, or run the step as user 0");
        }
        tmpfsTmp = tmpIsEmpty(tree);
        materialized = new Materializer(ids, epoch).write(tree, rootfs);
      } finally {
        tree.dropScratchLayer();
      }
      Files.write(stepDir.resolve("config.json"), RuntimeSpec.json(new RuntimeSpec.Settings(command.argv(),
          command.env(), workdir(command, what), user, epoch, tmpfsTmp, ids, limits.maxFileSize(), command.tmpfs())));
      started = true;
      execute(stepDir, state, id, command, what);
      // No process of the step may still run while its root file system is read.
      started = false;
      destroy(state, id);
      Set<EntryPath> mounted = new HashSet<>();
      command.tmpfs().forEach(p -> mounted.add(EntryPath.parse(p.substring(1))));
      ChangeSet changes = new ChangeReader(tree, materialized, listener.paths, listener.directories, tmpfsTmp, mounted, ids,
          epoch, spool, what)
          .read(rootfs);
      changes.applyTo(tree);
      return changes;
    } finally {
      try {
        if (started) {
          destroy(state, id);
        }
      } finally {
        deleteTree(stepDir);
      }
    }
  }

  /** Kills and removes the container, also when this thread was interrupted (it would outlive the build otherwise). */
  private void destroy(Path state, String id) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      runtime.destroy(state, id);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private void execute(Path bundle, Path state, String id, StepCommand command, String what) throws IOException {
    FileStore store = Files.getFileStore(workDir);
    long usableAtStart = store.getUsableSpace();
    Process process = runtime.start(state, bundle, id);
    OutputTail tail = new OutputTail(process.getInputStream(), output, LAST_LINES);
    Thread reader = new Thread(tail, "step output " + id);
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + command.timeout().toNanos();
    String killed = null;
    try {
      while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        long usable = store.getUsableSpace();
        if (usable < limits.reserveBytes()) {
          killed = "was killed: the file system of " + workDir + " had less than " + mib(limits.reserveBytes())
              + " free; free disk space or use a work directory on a larger file system";
        } else if (usableAtStart - usable > limits.maxStepBytes()) {
          killed = "was killed: it wrote more than " + mib(limits.maxStepBytes()) + " to disk";
        } else if (System.nanoTime() - deadline > 0) {
          killed = "did not finish within " + command.timeout().toSeconds() + " s and was killed; raise its timeout "
              + "if it needs longer";
        }
        if (killed != null) {
          runtime.destroy(state, id);
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
          break;
        }
      }
      reader.join(10_000);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(what + " was interrupted");
    }
    if (killed != null) {
      throw new StepFailedException(what + " " + killed, tail.lastLines());
    }
    int code = process.exitValue();
    if (code != 0) {
      String rootless = ids.rootless() ? " (note: sealbuild does not run as root here, so steps cannot change file owners)"
          : "";
      throw new StepFailedException(what + " failed with exit code " + code + rootless, tail.lastLines());
    }
  }

  private static String mib(long bytes) {
    return (bytes >> 20) + " MiB";
  }

  /**
   * A fresh directory for this step. The container's root user (a host id of the mapped range) must be able to reach
   * the bundle, so the work directory gets search permission for others (never read); its parents must have it.
   */
  private Path privateDirectory() throws IOException {
    if (!ids.rootless()) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(workDir);
      if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        perms.add(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(workDir, perms);
      }
      for (Path p = workDir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          throw new UserError("the build's work directory " + workDir + " is below " + p + ", which others may not "
              + "search (chmod o+x " + p + "), so a build step's user namespace cannot reach its root file system; "
              + "use a work directory elsewhere");
        }
      }
    }
    Path dir = Files.createTempDirectory(workDir, "step-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    return dir;
  }

  private static String workdir(StepCommand command, String what) {
    String w = command.workdir() == null ? "/" : command.workdir();
    if (!w.startsWith("/")) {
      throw new UserError(what + ": workdir '" + w + "' must be an absolute path inside the image");
    }
    try {
      return "/" + EntryPath.parse(w).value();
    } catch (HostileInputException e) {
      throw new UserError(what + ": workdir '" + w + "' is not a path inside the image (" + e.getMessage() + ")");
    }
  }

  /** A tmpfs goes on /tmp unless the merged view has content there (or /tmp is not a plain directory). */
  private static boolean tmpIsEmpty(ImageTree tree) {
    EntryPath tmp = EntryPath.parse("tmp");
    Node node = tree.lookup(tmp);
    if (node != null && !(node instanceof Node.Directory)) {
      return false;
    }
    EntryPath from = new EntryPath("tmp/");
    EntryPath to = new EntryPath("tmp0");
    for (LayerTree layer : tree.layers()) {
      for (EntryPath p : layer.entries().subMap(from, true, to, false).keySet()) {
        if (tree.lookup(p) != null) {
          return false;
        }
      }
    }
    return true;
  }

  static String oneLine(String display) {
    String s = display.strip().replaceAll("\\s*\\R\\s*", "; ");
    return s.length() > 200 ? s.substring(0, 199) + "…" : s;
  }

  /** Removes the step's directory without following links; rootless, read-only directories are opened up first. */
  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /**
   * What the temporary inputs wrote: ignored after the step, with everything below. A build-only package's directories
   * are not its own (see {@link BuildOnlyPackagesSource}): the ones it made are kept apart, and stay when a step puts
   * something there.
   */
  private static final class TemporaryPaths implements ImageTree.WriteListener {
    final Set<EntryPath> paths = new HashSet<>();
    final Set<EntryPath> directories = new HashSet<>();
    boolean filesOnly;

    @Override
    public void written(EntryPath resolved, Node node, Node replaced) {
      if (!filesOnly || !(node instanceof Node.Directory)) {
        paths.add(resolved);
      } else if (!(replaced instanceof Node.Directory)) {
        directories.add(resolved);
      }
    }
  }
}
