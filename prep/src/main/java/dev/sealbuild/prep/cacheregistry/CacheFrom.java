package dev.sealbuild.prep.cacheregistry;

import dev.sealbuild.prep.registry.ImageReference;
import java.util.List;

/**
 * Where {@code build prep} looks before the upstream sources: registry repositories holding a vendor cache
 * ({@code --from}, {@code SEALBUILD_CACHE_FROM}), in order; with {@code offlineUpstream}, nowhere else.
 */
public record CacheFrom(List<ImageReference> repositories, boolean offlineUpstream) {
  public static final String ENV_VAR = "SEALBUILD_CACHE_FROM";

  public CacheFrom {
    repositories = List.copyOf(repositories);
  }

  /** Upstream only, as before there were cache registries. */
  public static CacheFrom none() {
    return new CacheFrom(List.of(), false);
  }
}
