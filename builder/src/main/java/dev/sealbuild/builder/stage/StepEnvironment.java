package dev.sealbuild.builder.stage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealbuild.formats.oci.ImageConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a base image's config gives its {@code run:} steps: its {@code Env}, as docker gives it to a Dockerfile's
 * {@code RUN}. It overlays the fixed environment and the step's own {@code env:} overlays it; {@code SOURCE_DATE_EPOCH}
 * is the build's, whatever the base says.
 */
public final class StepEnvironment {
  private StepEnvironment() {}

  public static Map<String, String> of(ImageConfig base) {
    JsonNode env = base.config() == null ? null : base.config().get("Env");
    if (env == null || !env.isArray()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode item : env) {
      String entry = item.asText();
      int eq = entry.indexOf('=');
      String name = eq < 0 ? entry : entry.substring(0, eq);
      if (name.isEmpty() || name.equals("SOURCE_DATE_EPOCH") || name.indexOf('\0') >= 0) {
        continue;
      }
      out.put(name, eq < 0 ? "" : entry.substring(eq + 1));
    }
    return Collections.unmodifiableMap(out);
  }
}
