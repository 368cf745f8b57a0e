package dev.sealbuild.builder.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.formats.digest.Sha256;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  private ImageConfigDocument() {}

  public static Map<String, Object> build(ImageConfigSpec spec, Platform platform, List<Sha256> diffIds,
      List<String> history, long epoch) {
    return build(spec, null, platform, diffIds, history, epoch);
  }

  /**
   * The config of an image built on {@code base} (null for none): the base's runtime config, overridden by the
   * spec key by key (see docs/spec.md, "Config inheritance"), the base's history followed by one entry per added
   * layer, and {@code diffIds} (the base's, then the added layers').
   */
  public static Map<String, Object> build(ImageConfigSpec spec, JsonNode base, Platform platform, List<Sha256> diffIds,
      List<String> history, long epoch) {
    String created = Instant.ofEpochSecond(epoch).toString();
    Map<String, Object> config = new TreeMap<>(own(spec));
    if (base != null) {
      config = merge(inherited(base.path("config")), spec, config);
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
    List<Object> hist = new ArrayList<>();
    if (base != null && base.path("history").isArray()) {
      base.path("history").forEach(h -> hist.add(JSON.convertValue(h, Object.class)));
    }
    for (String h : history) {
      hist.add(Map.of("created", created, "created_by", h));
    }
    doc.put("history", hist);
    return doc;
  }

  /** The runtime config keys the spec sets, in OCI names. */
  private static Map<String, Object> own(ImageConfigSpec spec) {
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
    return config;
  }

  /** The base's runtime config, keys kept as the base has them (Volumes, Healthcheck, Shell... included). */
  private static Map<String, Object> inherited(JsonNode baseConfig) {
    Map<String, Object> inherited = new TreeMap<>();
    if (baseConfig.isObject()) {
      baseConfig.fields().forEachRemaining(e -> {
        if (!e.getValue().isNull()) {
          inherited.put(e.getKey(), JSON.convertValue(e.getValue(), Object.class));
        }
      });
    }
    return inherited;
  }

  /**
   * Env and Labels merge entry by entry (the spec wins, the base's order is kept and new variables follow);
   * ExposedPorts is the union; Entrypoint, Cmd, WorkingDir, User and StopSignal are replaced when the spec sets them,
   * and, as Docker does, a new Entrypoint without a Cmd drops the base's Cmd.
   */
  private static Map<String, Object> merge(Map<String, Object> base, ImageConfigSpec spec, Map<String, Object> own) {
    Map<String, Object> merged = new TreeMap<>(base);
    if (spec.entrypoint() != null && spec.cmd() == null) {
      merged.remove("Cmd");
    }
    for (Map.Entry<String, Object> e : own.entrySet()) {
      switch (e.getKey()) {
        case "Env" -> merged.put("Env", mergeEnv(base.get("Env"), spec.env()));
        case "Labels", "ExposedPorts" -> {
          Map<String, Object> union = new TreeMap<>();
          if (base.get(e.getKey()) instanceof Map<?, ?> m) {
            m.forEach((k, v) -> union.put(String.valueOf(k), v));
          }
          ((Map<?, ?>) e.getValue()).forEach((k, v) -> union.put(String.valueOf(k), v));
          merged.put(e.getKey(), union);
        }
        default -> merged.put(e.getKey(), e.getValue());
      }
    }
    return merged;
  }

  private static List<String> mergeEnv(Object baseEnv, Map<String, String> specEnv) {
    List<String> env = new ArrayList<>();
    Map<String, String> remaining = new LinkedHashMap<>(specEnv);
    if (baseEnv instanceof List<?> list) {
      for (Object item : list) {
        String entry = String.valueOf(item);
        int eq = entry.indexOf('=');
        String name = eq < 0 ? entry : entry.substring(0, eq);
        env.add(remaining.containsKey(name) ? name + "=" + remaining.remove(name) : entry);
      }
    }
    remaining.forEach((k, v) -> env.add(k + "=" + v));
    return env;
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
