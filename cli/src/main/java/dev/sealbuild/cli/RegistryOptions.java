package dev.sealbuild.cli;

import dev.sealbuild.prep.registry.RegistrySettings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --insecure-registry HOST}, shared by every command that talks to registries. */
final class RegistryOptions {
  @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
      description = "allow plain HTTP to this registry (repeatable); loopback registries always may")
  List<String> insecureRegistries = new ArrayList<>();

  /** The settings; a malformed host is a one-line error. */
  RegistrySettings settings(Environment env) {
    for (String registry : insecureRegistries) {
      if (registry.isBlank() || registry.contains("/") || registry.contains("://")) {
        throw new CliException("--insecure-registry '" + registry + "' must be a HOST or HOST:PORT, without a scheme or path");
      }
    }
    return new RegistrySettings(new LinkedHashSet<>(insecureRegistries), env.variables());
  }
}
