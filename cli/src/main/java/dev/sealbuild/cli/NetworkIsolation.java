package dev.sealbuild.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs the image phase inside a fresh network namespace with no usable interface, so any connection attempt fails
 * in the kernel, not by convention. {@code ./build} enters the namespace before the JVM starts and sets
 * {@link #MARKER}; a JVM started otherwise re-executes itself under {@code unshare --net} (with {@code --map-root-user} unless root; with its
 * own JVM options and the start-up archive). The marker only says "do not re-execute": whether the process is
 * isolated is checked ({@link #verifyInside}) before anything records it. Modes: {@code auto} isolates where the
 * kernel allows and warns where it cannot, {@code require} fails instead, {@code off} does nothing.
 */
final class NetworkIsolation {
  static final String MARKER = "SEALBUILD_NETNS";

  enum Mode { AUTO, REQUIRE, OFF;
    static Mode parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CliException("--network-isolation must be auto, require or off, not '" + s + "'");
      }
    }
  }

  /** What happened, recorded in the output. */
  enum State { ISOLATED, NOT_ISOLATED, DISABLED }

  private final Environment env;
  private final PrintWriter err;

  NetworkIsolation(Environment env, PrintWriter err) {
    this.env = env;
    this.err = err;
  }

  /** True when this process says it already runs in the namespace we made; {@link #verifyInside} checks it. */
  boolean inside() {
    return "1".equals(env.get(MARKER));
  }

  /**
   * Re-executes the current command inside a new network namespace and returns its exit code, or empty
   * when this process should carry on itself (already inside, isolation off, or not possible in auto).
   */
  Optional<Integer> reexecIfNeeded(Mode mode, String[] args) {
    if (mode == Mode.OFF || inside()) {
      return Optional.empty();
    }
    String why = unavailableReason();
    if (why == null) {
      List<String> command = new ArrayList<>(List.of(unshare()));
      command.addAll(unshareOptions());
      command.add("--");
      command.addAll(javaCommand());
      command.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
      pb.environment().put(MARKER, "1");
      pb.directory(env.workingDir().toFile());
      try {
        return Optional.of(pb.start().waitFor());
      } catch (IOException e) {
        why = "cannot run unshare: " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of(130);
      }
    }
    if (mode == Mode.REQUIRE) {
      throw new CliException("network isolation required but unavailable: " + why + "; use --network-isolation=auto or off");
    }
    err.println("warning: building WITHOUT network isolation: " + why);
    return Optional.empty();
  }

  private static String unavailableReason() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return "network namespaces need Linux";
    }
    String unshare = unshare();
    if (unshare == null) {
      return "the unshare command (util-linux) is not installed";
    }
    // A cheap probe tells "the kernel refuses user/network namespaces" apart from a failing build.
    try {
      List<String> probeCommand = new ArrayList<>(List.of(unshare));
      probeCommand.addAll(unshareOptions());
      probeCommand.add("true");
      Process probe = new ProcessBuilder(probeCommand)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (probe.waitFor() != 0) {
        return "the kernel does not allow an unprivileged network namespace here (unshare " + String.join(" ", unshareOptions()) + " failed)";
      }
    } catch (IOException e) {
      return "cannot run unshare: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    return null;
  }

  /**
   * Root needs no user namespace for a network namespace and keeps the full id range run: steps map; anyone else
   * gets a user namespace mapping them to root.
   */
  private static List<String> unshareOptions() {
    if (new com.sun.security.auth.module.UnixSystem().getUid() == 0) {
      return List.of("--net");
    }
    List<String> withSubordinateIds = List.of("--net", "--map-root-user", "--map-auto");
    return succeeds(withSubordinateIds) ? withSubordinateIds : List.of("--net", "--map-root-user");
  }

  /** Whether {@code unshare OPTIONS true} works here (newuidmap and /etc/subuid allow --map-auto). */
  private static boolean succeeds(List<String> options) {
    String unshare = unshare();
    if (unshare == null) {
      return false;
    }
    List<String> command = new ArrayList<>(List.of(unshare));
    command.addAll(options);
    command.add("true");
    try {
      return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String unshare() {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
      Path p = Path.of(dir, "unshare");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  private static List<String> javaCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
    cmd.addAll(jvmOptions);
    if (jvmOptions.stream().noneMatch(o -> o.startsWith("-XX:SharedArchiveFile=") || o.startsWith("-Xshare:"))) {
      StartupArchive.find(System.getProperty("java.home"), System.getProperty("java.class.path"))
          .ifPresent(archive -> cmd.addAll(archive.jvmFlags()));
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    return cmd;
  }

  /**
   * Checks from inside, without trusting {@link #MARKER}: no interface may be up, not even loopback. A fresh network
   * namespace has only a loopback interface, down; the host's namespace has loopback up, and a proxy or service
   * listening there would be reachable.
   */
  State verifyInside() {
    try {
      var interfaces = NetworkInterface.getNetworkInterfaces();
      if (interfaces == null) {
        return State.ISOLATED;
      }
      for (NetworkInterface nif : Collections.list(interfaces)) {
        if (nif.isUp()) {
          throw new CliException("network isolation failed: " + MARKER + "=1 says this process runs in a new network "
              + "namespace, but interface " + nif.getName() + " is up; unset " + MARKER + " (only ./build sets it)");
        }
      }
    } catch (SocketException e) {
      if (String.valueOf(e.getMessage()).contains("No network interfaces configured")) {
        return State.ISOLATED; // what the JDK says when the namespace has nothing up at all
      }
      throw new CliException("cannot list network interfaces: " + e.getMessage());
    }
    return State.ISOLATED;
  }
}
