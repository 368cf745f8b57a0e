package dev.sealbuild.builder.step;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OCI runtime {@code config.json} for one step: new user, mount, pid, ipc, uts and network namespaces (the
 * runtime brings up only loopback in the new network namespace: no address outside, no DNS configuration), the
 * materialized tree as a writable root, {@code /proc}, a minimal {@code /dev}, a tmpfs {@code /tmp} unless the
 * tree has content there; a fixed hostname and environment; no host path, no host environment variable.
 */
final class RuntimeSpec {
  static final String HOSTNAME = "sealbuild";
  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  /** podman's default set. */
  static final List<String> CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
      "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT");
  static final List<String> MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
      "/sys/firmware");
  static final List<String> READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
      "/proc/sysrq-trigger");
  static final long NOFILE = 20000;
  static final long NPROC = 32768;

  private RuntimeSpec() {}

  record Settings(List<String> argv, Map<String, String> stepEnv, String cwd, StepUser user, long epoch,
      boolean tmpfsTmp, IdMapping ids, long maxFileSize, List<String> tmpfs) {
    Settings {
      tmpfs = tmpfs == null ? List.of() : List.copyOf(tmpfs);
    }
  }

  /** The environment of a step: fixed variables, then the step's own (which may override them), sorted by name. */
  static TreeMap<String, String> environment(StepUser user, long epoch, Map<String, String> stepEnv) {
    TreeMap<String, String> env = new TreeMap<>();
    env.put("PATH", PATH);
    env.put("HOME", user.home());
    env.put("LANG", "C.UTF-8");
    env.put("TZ", "UTC");
    env.put("SOURCE_DATE_EPOCH", Long.toString(epoch));
    env.putAll(stepEnv);
    return env;
  }

  static byte[] json(Settings s) throws java.io.IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("ociVersion", "1.0.2");
    ObjectNode process = root.putObject("process");
    process.put("terminal", false);
    ObjectNode user = process.putObject("user");
    user.put("uid", s.user().uid());
    user.put("gid", s.user().gid());
    user.put("umask", 0022); // whatever the host's umask is
    ArrayNode args = process.putArray("args");
    s.argv().forEach(args::add);
    ArrayNode env = process.putArray("env");
    environment(s.user(), s.epoch(), s.stepEnv()).forEach((k, v) -> env.add(k + "=" + v));
    process.put("cwd", s.cwd());
    ObjectNode caps = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      ArrayNode a = caps.putArray(set);
      CAPABILITIES.forEach(a::add);
    }
    ArrayNode rlimits = process.putArray("rlimits");
    rlimit(rlimits, "RLIMIT_NOFILE", NOFILE);
    rlimit(rlimits, "RLIMIT_NPROC", NPROC);
    rlimit(rlimits, "RLIMIT_FSIZE", s.maxFileSize());
    rlimit(rlimits, "RLIMIT_CORE", 0);
    process.put("noNewPrivileges", true);

    ObjectNode rootfs = root.putObject("root");
    rootfs.put("path", "rootfs");
    rootfs.put("readonly", false);
    root.put("hostname", HOSTNAME);

    ArrayNode mounts = root.putArray("mounts");
    mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
    mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
    mount(mounts, "/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666",
        "mode=0620"));
    mount(mounts, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
    if (s.tmpfsTmp()) {
      mount(mounts, "/tmp", "tmpfs", "tmpfs", List.of("nosuid", "nodev", "mode=1777"));
    }
    for (String path : s.tmpfs()) {
      mount(mounts, path, "tmpfs", "tmpfs", List.of("nosuid", "nodev", "mode=755"));
    }

    ObjectNode linux = root.putObject("linux");
    idMappings(linux.putArray("uidMappings"), s.ids().hostUid(), s.ids().size());
    idMappings(linux.putArray("gidMappings"), s.ids().hostGid(), s.ids().size());
    ArrayNode ns = linux.putArray("namespaces");
    for (String type : List.of("pid", "network", "ipc", "uts", "mount", "user")) {
      ns.addObject().put("type", type);
    }
    // runc creates /dev/null, zero, full, random, urandom and tty in every container; /dev/pts and /dev/shm above.
    ArrayNode masked = linux.putArray("maskedPaths");
    MASKED.forEach(masked::add);
    ArrayNode readonly = linux.putArray("readonlyPaths");
    READONLY.forEach(readonly::add);
    return mapper.writeValueAsBytes(root);
  }

  private static void rlimit(ArrayNode rlimits, String type, long value) {
    rlimits.addObject().put("type", type).put("hard", value).put("soft", value);
  }

  private static void mount(ArrayNode mounts, String dest, String type, String source, List<String> options) {
    ObjectNode m = mounts.addObject().put("destination", dest).put("type", type).put("source", source);
    ArrayNode o = m.putArray("options");
    options.forEach(o::add);
  }

  private static void idMappings(ArrayNode a, long host, long size) {
    a.addObject().put("containerID", 0).put("hostID", host).put("size", size);
  }
}
