package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The {@code config:} section, mapped onto the OCI image config. */
public record ImageConfigSpec(
    List<String> entrypoint,
    List<String> cmd,
    Map<String, String> env,
    String workdir,
    String user,
    Map<String, String> labels,
    List<String> exposedPorts,
    String stopSignal) {
  public static final ImageConfigSpec EMPTY = new ImageConfigSpec(null, null, null, null, null, null, null, null);

  @JsonCreator
  public ImageConfigSpec(
      @JsonProperty("entrypoint") List<String> entrypoint,
      @JsonProperty("cmd") List<String> cmd,
      @JsonProperty("env") Map<String, String> env,
      @JsonProperty("workdir") String workdir,
      @JsonProperty("user") String user,
      @JsonProperty("labels") Map<String, String> labels,
      @JsonProperty("exposedPorts") List<String> exposedPorts,
      @JsonProperty("stopSignal") String stopSignal) {
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
  }

  private static String port(String p) {
    String s = p.trim();
    if (!s.matches("[0-9]{1,5}(/(tcp|udp|sctp))?")) {
      throw new IllegalArgumentException("config.exposedPorts entry '" + p + "' must look like 8080 or 8080/tcp");
    }
    return s.contains("/") ? s : s + "/tcp";
  }
}
