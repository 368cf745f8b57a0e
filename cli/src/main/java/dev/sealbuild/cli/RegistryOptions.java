package dev.sealbuild.cli;

import dev.sealbuild.prep.registry.RegistrySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** {@code --insecure-registry HOST}, shared by every command that talks to registries. */
final class RegistryOptions {
  @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
      description = "allow plain HTTP to this registry (repeatable); loopback registries always may")
  List<String> insecureRegistries = new ArrayList<>();

  RegistrySettings settings(Environment env) {
    return new RegistrySettings(Set.copyOf(insecureRegistries), env.variables(), 3);
  }
}
