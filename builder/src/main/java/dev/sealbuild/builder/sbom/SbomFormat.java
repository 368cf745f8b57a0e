package dev.sealbuild.builder.sbom;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The SBOM formats sealbuild writes, by the names the command line uses. */
public enum SbomFormat {
  /** SPDX 2.3, JSON serialization. */
  SPDX_JSON("spdx-json"),
  /** CycloneDX 1.5, JSON serialization. */
  CYCLONEDX_JSON("cyclonedx-json");

  private final String cliName;

  SbomFormat(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static SbomFormat parse(String name) {
    for (SbomFormat f : values()) {
      if (f.cliName.equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("SBOM format '" + name + "' is not one of "
        + Arrays.stream(values()).map(SbomFormat::cliName).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
