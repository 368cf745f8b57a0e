package dev.sealbuild.prep.registry;

import java.util.Map;
import java.util.Set;

/**
 * How to reach registries.
 *
 * @param insecureRegistries hosts ({@code host} or {@code host:port}) that may be spoken to over plain HTTP;
 *     loopback registries (127.0.0.1, ::1, localhost) always may
 * @param environment the process environment used to find credentials ({@code HOME}, {@code DOCKER_CONFIG},
 *     {@code REGISTRY_AUTH_FILE}, {@code XDG_RUNTIME_DIR}, {@code PATH} for credential helpers); injected so
 *     tests never read the real user's files
 */
public record RegistrySettings(Set<String> insecureRegistries, Map<String, String> environment) {
  public RegistrySettings {
    insecureRegistries = Set.copyOf(insecureRegistries);
    environment = Map.copyOf(environment);
  }

  /** The real environment, no insecure registries. */
  public static RegistrySettings defaults() {
    return new RegistrySettings(Set.of(), System.getenv());
  }

  /** True when {@code registry} ({@code host[:port]}) may be reached over plain HTTP. */
  public boolean allowsPlainHttp(String registry) {
    return isLoopback(registry) || insecureRegistries.contains(registry) || insecureRegistries.contains(hostOf(registry));
  }

  static boolean isLoopback(String registry) {
    String host = hostOf(registry);
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1");
  }

  static String hostOf(String registry) {
    if (registry.startsWith("[")) {
      int close = registry.indexOf(']');
      return close > 0 ? registry.substring(1, close) : registry;
    }
    int colon = registry.lastIndexOf(':');
    return colon >= 0 ? registry.substring(0, colon) : registry;
  }
}
