package dev.sealbuild.builder.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.formats.oci.ImageConfig;
import dev.sealbuild.lockfiles.spec.HealthcheckSpec;
import dev.sealbuild.lockfiles.spec.ImageConfigSpec;
import dev.sealbuild.formats.oci.Platform;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds an image's OCI config from the spec, on top of a base image's config when there is one. */
public final class ImageConfigDocument {
  private static final ObjectMapper JSON = CanonicalJson.mapper();

  private ImageConfigDocument() {}

  public static ImageConfig build(ImageConfigSpec spec, Platform platform, List<Sha256> diffIds, List<String> history,
      long epoch) {
    return build(spec, null, platform, diffIds, history, epoch);
  }

  /**
   * The config of an image built on {@code base} (null for none): the base's runtime config, overridden by the
   * spec key by key (see docs/spec.md, "Config inheritance"), the base's history followed by one entry per added
   * layer, and {@code diffIds} (the base's, then the added layers').
   */
  public static ImageConfig build(ImageConfigSpec spec, ImageConfig base, Platform platform, List<Sha256> diffIds,
      List<String> history, long epoch) {
    String created = Instant.ofEpochSecond(epoch).toString();
    Map<String, Object> config = new TreeMap<>(own(spec));
    if (base != null) {
      config = merge(inherited(base.config()), spec, config);
    }
    List<ImageConfig.History> entries = new ArrayList<>();
    if (base != null) {
      entries.addAll(base.history());
    }
    for (String h : history) {
      entries.add(new ImageConfig.History(created, h));
    }
    return new ImageConfig(created, platform, JSON.valueToTree(config), diffIds, entries, null);
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
    if (spec.volumes() != null && !spec.volumes().isEmpty()) {
      Map<String, Object> volumes = new TreeMap<>();
      spec.volumes().forEach(v -> volumes.put(v, Map.of()));
      config.put("Volumes", volumes);
    }
    if (spec.healthcheck() != null) {
      config.put("Healthcheck", healthcheck(spec.healthcheck()));
    }
    if (spec.shell() != null) {
      config.put("Shell", spec.shell());
    }
    return config;
  }

  /** Docker's {@code Healthcheck}: durations in nanoseconds, zero values left out as docker and buildah leave them. */
  private static Map<String, Object> healthcheck(HealthcheckSpec h) {
    Map<String, Object> out = new TreeMap<>();
    out.put("Test", h.test());
    putNonZero(out, "Interval", h.intervalNanos());
    putNonZero(out, "Timeout", h.timeoutNanos());
    putNonZero(out, "StartPeriod", h.startPeriodNanos());
    putNonZero(out, "StartInterval", h.startIntervalNanos());
    if (h.retries() != null && h.retries() != 0) {
      out.put("Retries", h.retries());
    }
    return out;
  }

  private static void putNonZero(Map<String, Object> out, String key, long nanos) {
    if (nanos != 0) {
      out.put(key, nanos);
    }
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
   * ExposedPorts and Volumes are unions; Entrypoint, Cmd, WorkingDir, User, StopSignal, Healthcheck and Shell are replaced when the spec sets them,
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
        case "Labels", "ExposedPorts", "Volumes" -> {
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
}
