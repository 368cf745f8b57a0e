package dev.sealbuild.prep.packages;

import dev.sealbuild.lockfiles.spec.RepositorySpec;
import dev.sealbuild.prep.debian.AptSources;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where a repository is fetched from: {@code --mirror NAME=URL}, else the spec's {@code url}, else (Debian
 * only) the host's apt sources for that suite. The lock never records it, so any mirror serves a lock.
 */
public final class Mirrors {
  private final Map<String, URI> overrides;
  private final AptSources apt;

  public Mirrors(Map<String, URI> overrides, AptSources apt) {
    this.overrides = Map.copyOf(overrides);
    this.apt = apt;
  }

  /** Parses {@code NAME=URL}. */
  public static Map.Entry<String, URI> parseOverride(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new PackageException("--mirror '" + text + "' must be NAME=URL, for example --mirror debian=https://mirror.example/debian");
    }
    URI url = URI.create(text.substring(eq + 1));
    if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
      throw new PackageException("--mirror " + text + ": the URL must be http or https");
    }
    return Map.entry(text.substring(0, eq), url);
  }

  /**
   * Every override must name a repository: one of {@code repositories}, or one a {@code from: base} entry NAME may
   * stand for (NAME, NAME-2, ...: the base's sources in order).
   */
  public void checkOverridesName(java.util.Collection<RepositorySpec> repositories) {
    for (String name : overrides.keySet()) {
      if (repositories.stream().noneMatch(r -> names(r, name))) {
        throw new PackageException("--mirror " + name + "=...: the spec has no repository named " + name);
      }
    }
  }

  /** These mirrors with only the overrides that name one of {@code repositories} (for one stage of a spec). */
  public Mirrors only(java.util.Collection<RepositorySpec> repositories) {
    Map<String, URI> kept = new java.util.LinkedHashMap<>();
    overrides.forEach((name, url) -> {
      if (repositories.stream().anyMatch(r -> names(r, name))) {
        kept.put(name, url);
      }
    });
    return new Mirrors(kept, apt);
  }

  private static boolean names(RepositorySpec r, String name) {
    return r.name().equals(name) || (r.isFromBase() && name.matches(java.util.regex.Pattern.quote(r.name()) + "-([2-9]|[1-9][0-9]+)"));
  }

  /**
   * Where a repository found in the base (or recorded in the lock from it) is fetched from: {@code --mirror NAME=URL},
   * else the URL the base names; without a trailing slash.
   */
  public URI baseUrl(String name, URI fromBase) {
    String s = overrides.getOrDefault(name, fromBase).toString();
    return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }

  public URI baseUrl(RepositorySpec repository) {
    if (repository.isFromBase()) {
      throw new IllegalStateException("repository " + repository.name() + " is from: base; its URLs come from the base");
    }
    URI url = overrides.get(repository.name());
    if (url == null) {
      url = repository.url();
    }
    if (url == null && RepositorySpec.DEBIAN.equals(repository.type())) {
      url = fromApt(repository).orElseThrow(() -> new PackageException("repository " + repository.name()
          + " has no url and this host's apt sources list no Debian mirror for suite " + repository.suite()
          + "; add url: to the repository in build.yaml or pass --mirror " + repository.name() + "=URL"));
    }
    if (url == null) {
      throw new PackageException("repository " + repository.name() + " has no url; add url: in build.yaml or pass --mirror "
          + repository.name() + "=URL");
    }
    String s = url.toString();
    return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }

  private Optional<URI> fromApt(RepositorySpec repository) {
    try {
      return apt.read().stream()
          .filter(s -> s.suite().equals(repository.suite()))
          .filter(s -> repository.components().stream().allMatch(c -> s.components().contains(c)))
          .map(AptSources.Source::uri)
          .findFirst();
    } catch (IOException e) {
      throw new PackageException("cannot read the host's apt sources: " + e.getMessage());
    }
  }
}
