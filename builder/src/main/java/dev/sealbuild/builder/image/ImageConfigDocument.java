package dev.sealbuild.builder.image;

import dev.sealbuild.lockfiles.digest.Sha256;
import dev.sealbuild.lockfiles.spec.ImageConfigSpec;
import dev.sealbuild.lockfiles.spec.Platform;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the OCI image config JSON document (as a map for canonical serialization). */
public final class ImageConfigDocument {
  private ImageConfigDocument() {}

  public static Map<String, Object> build(ImageConfigSpec spec, Platform platform, List<Sha256> diffIds,
      List<String> history, long epoch) {
    String created = Instant.ofEpochSecond(epoch).toString();
    Map<String, Object> config = new TreeMap<>();
    if (spec.entrypoint() != null) {
      config.put("Entrypoint", spec.entrypoint());
    }
    if (spec.cmd() != null) {
      config.put("Cmd", spec.cmd());
    }
    if (spec.env() != null && !spec.env().isEmpty()) {
      List<String> env = new ArrayList<>();
      spec.env().forEach((k, v) -> env.add(k + "=" + v));
      config.put("Env", env);
    }
    if (spec.workdir() != null) {
      config.put("WorkingDir", spec.workdir());
    }
    if (spec.user() != null) {
      config.put("User", spec.user());
    }
    if (spec.labels() != null && !spec.labels().isEmpty()) {
      config.put("Labels", spec.labels());
    }
    if (spec.exposedPorts() != null && !spec.exposedPorts().isEmpty()) {
      Map<String, Object> ports = new TreeMap<>();
      spec.exposedPorts().forEach(p -> ports.put(p, Map.of()));
      config.put("ExposedPorts", ports);
    }
    if (spec.stopSignal() != null) {
      config.put("StopSignal", spec.stopSignal());
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("created", created);
    doc.put("architecture", platform.architecture());
    if (platform.variant() != null) {
      doc.put("variant", platform.variant());
    }
    doc.put("os", platform.os());
    doc.put("config", config);
    doc.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds.stream().map(Sha256::toString).toList()));
    List<Map<String, Object>> hist = new ArrayList<>();
    for (String h : history) {
      hist.add(Map.of("created", created, "created_by", h));
    }
    doc.put("history", hist);
    return doc;
  }

  public static Map<String, String> platformMap(Platform platform) {
    Map<String, String> p = new TreeMap<>();
    p.put("architecture", platform.architecture());
    p.put("os", platform.os());
    if (platform.variant() != null) {
      p.put("variant", platform.variant());
    }
    return p;
  }
}
