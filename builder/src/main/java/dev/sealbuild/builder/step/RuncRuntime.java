package dev.sealbuild.builder.step;

import dev.sealbuild.formats.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code runc} (or a runtime with its command line, such as crun), found on {@code PATH} or given explicitly. */
public final class RuncRuntime implements ContainerRuntime {
  private final Path executable;
  private final Path procSys;
  private final boolean root;

  private RuncRuntime(Path executable, Path procSys, boolean root) {
    this.executable = executable;
    this.procSys = procSys;
    this.root = root;
  }

  /** {@code runc} from {@code PATH} (or {@code /usr/sbin}, {@code /sbin}, where Debian puts it). */
  public static RuncRuntime fromPath() throws IOException {
    return fromPath(System.getenv("PATH"), List.of("/usr/sbin", "/sbin"));
  }

  static RuncRuntime fromPath(String path, List<String> alsoIn) throws IOException {
    List<String> dirs = new ArrayList<>();
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.addAll(alsoIn);
    for (String dir : dirs) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, "runc");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return explicit(candidate);
        }
      }
    }
    throw new UserError("runc not found: install the runc package (apt-get install runc) or pass --runtime PATH");
  }

  /** The runtime at {@code executable} (a future {@code --runtime PATH}). */
  public static RuncRuntime explicit(Path executable) throws IOException {
    if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
      throw new UserError("container runtime " + executable + " not found or not executable: install the runc package "
          + "(apt-get install runc) or pass --runtime PATH");
    }
    return new RuncRuntime(executable, Path.of("/proc/sys"), !IdMapping.forCurrentUser().rootless());
  }

  /** For tests: the same runtime judged against another {@code /proc/sys} and privilege. */
  RuncRuntime withHost(Path otherProcSys, boolean asRoot) {
    return new RuncRuntime(executable, otherProcSys, asRoot);
  }

  @Override
  public void check() throws IOException {
    Path max = procSys.resolve("user/max_user_namespaces");
    if (Files.isRegularFile(max) && Files.readString(max, StandardCharsets.US_ASCII).trim().equals("0")) {
      throw new UserError("user namespaces are disabled on this host (" + max + " is 0), and build steps need them: "
          + "enable them with 'sysctl -w user.max_user_namespaces=15000'");
    }
    Path clone = procSys.resolve("kernel/unprivileged_userns_clone");
    if (!root && Files.isRegularFile(clone) && Files.readString(clone, StandardCharsets.US_ASCII).trim().equals("0")) {
      throw new UserError("unprivileged user namespaces are disabled on this host (" + clone + " is 0), and build steps "
          + "need them when not run as root: enable them with 'sysctl -w kernel.unprivileged_userns_clone=1'");
    }
  }

  @Override
  public Process start(Path stateDir, Path bundle, String id) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--root", stateDir.toString()));
    cmd.addAll(List.of("run", "--bundle", bundle.toString(), id));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    // runc itself needs no environment of ours; the container's comes from config.json only.
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    return pb.start();
  }

  @Override
  public void destroy(Path stateDir, String id) throws IOException, InterruptedException {
    run(List.of(executable.toString(), "--root", stateDir.toString(), "kill", id, "KILL"));
    run(List.of(executable.toString(), "--root", stateDir.toString(), "delete", "-f", id));
  }

  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  @Override
  public String describe() {
    return executable.toString();
  }
}
