package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code config:} section, mapped onto the OCI image config; {@code healthcheck} and {@code shell} are Docker's
 * extensions to it ({@code Healthcheck}, {@code Shell}), honoured by docker and podman.
 */
public record ImageConfigSpec(
    List<String> entrypoint,
    List<String> cmd,
    Map<String, String> env,
    String workdir,
    String user,
    Map<String, String> labels,
    List<String> exposedPorts,
    String stopSignal,
    List<String> volumes,
    HealthcheckSpec healthcheck,
    List<String> shell) {
  public static final ImageConfigSpec EMPTY = new ImageConfigSpec(null, null, null, null, null, null, null, null);

  /** A config without volumes, healthcheck or shell. */
  public ImageConfigSpec(List<String> entrypoint, List<String> cmd, Map<String, String> env, String workdir, String user,
      Map<String, String> labels, List<String> exposedPorts, String stopSignal) {
    this(entrypoint, cmd, env, workdir, user, labels, exposedPorts, stopSignal, null, null, null);
  }

  @JsonCreator
  public ImageConfigSpec(
      @JsonProperty("entrypoint") List<String> entrypoint,
      @JsonProperty("cmd") List<String> cmd,
      @JsonProperty("env") Map<String, String> env,
      @JsonProperty("workdir") String workdir,
      @JsonProperty("user") String user,
      @JsonProperty("labels") Map<String, String> labels,
      @JsonProperty("exposedPorts") List<String> exposedPorts,
      @JsonProperty("stopSignal") String stopSignal,
      @JsonProperty("volumes") List<String> volumes,
      @JsonProperty("healthcheck") HealthcheckSpec healthcheck,
      @JsonProperty("shell") List<String> shell) {
    this.entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
    this.cmd = cmd == null ? null : List.copyOf(cmd);
    this.env = env == null ? null : new TreeMap<>(env);
    if (workdir != null && !workdir.startsWith("/")) {
      throw new IllegalArgumentException("config.workdir '" + workdir + "' must be an absolute path");
    }
    this.workdir = workdir;
    this.user = user;
    this.labels = labels == null ? null : new TreeMap<>(labels);
    this.exposedPorts = exposedPorts == null ? null : exposedPorts.stream().map(ImageConfigSpec::port).sorted().distinct().toList();
    this.stopSignal = stopSignal;
    if (volumes != null) {
      for (String v : volumes) {
        if (v == null || !v.startsWith("/")) {
          throw new IllegalArgumentException("config.volumes entry '" + v + "' must be an absolute path such as /data");
        }
      }
    }
    this.volumes = volumes == null ? null : volumes.stream().sorted().distinct().toList();
    this.healthcheck = healthcheck;
    if (shell != null && (shell.isEmpty() || shell.stream().anyMatch(w -> w == null || w.isEmpty()))) {
      throw new IllegalArgumentException("config.shell must be a non-empty argv such as [/bin/bash, -c]");
    }
    this.shell = shell == null ? null : List.copyOf(shell);
  }

  private static String port(String p) {
    String s = p.trim();
    if (!s.matches("[0-9]{1,5}(/(tcp|udp|sctp))?")) {
      throw new IllegalArgumentException("config.exposedPorts entry '" + p + "' must look like 8080 or 8080/tcp");
    }
    return s.contains("/") ? s : s + "/tcp";
  }
}
