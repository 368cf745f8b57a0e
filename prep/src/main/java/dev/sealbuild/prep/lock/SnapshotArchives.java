package dev.sealbuild.prep.lock;

import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.prep.packages.PackageException;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a package the mirror no longer serves can still be found. For Debian, a snapshot archive (snapshot.debian.org
 * style), as a URL template with {@code {timestamp}}, filled with the date of the InRelease the lock was resolved
 * from (which the lock records) as {@code YYYYMMDDTHHMMSSZ}, followed by the package's pool path. A URL without
 * {@code {timestamp}} is a plain fallback mirror of the repository, Debian or Alpine (whose CDN keeps old packages
 * per release branch where a mirror may not). One URL for every repository, and per repository overrides
 * ({@code NAME=URL}).
 */
public record SnapshotArchives(String defaultTemplate, Map<String, String> perRepository) {
  public static final String ENV_VAR = "SEALBUILD_DEBIAN_SNAPSHOT";
  public static final String PLACEHOLDER = "{timestamp}";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  public SnapshotArchives {
    perRepository = Map.copyOf(perRepository);
  }

  public static SnapshotArchives none() {
    return new SnapshotArchives(null, Map.of());
  }

  /** Reads {@code --snapshot} values: {@code TEMPLATE} or {@code REPOSITORY=TEMPLATE}; a one-line error otherwise. */
  public static SnapshotArchives parse(List<String> values) {
    String fallback = null;
    Map<String, String> per = new LinkedHashMap<>();
    for (String value : values) {
      int eq = value.indexOf('=');
      int scheme = value.indexOf("://");
      boolean named = eq > 0 && (scheme < 0 || eq < scheme);
      String template = named ? value.substring(eq + 1) : value;
      check(template, value);
      if (named) {
        per.put(value.substring(0, eq), template);
      } else {
        fallback = template;
      }
    }
    return new SnapshotArchives(fallback, per);
  }

  private static void check(String template, String given) {
    if (!(template.startsWith("http://") || template.startsWith("https://"))) {
      throw new PackageException("--snapshot '" + given + "' must be [REPOSITORY=]URL, an http or https URL, e.g."
          + " https://snapshot.debian.org/archive/debian/" + PLACEHOLDER + " (or a fallback mirror without " + PLACEHOLDER + ")");
    }
    try {
      URI.create(template.replace(PLACEHOLDER, "20240101T000000Z"));
    } catch (IllegalArgumentException e) {
      throw new PackageException("--snapshot '" + given + "' is not a usable URL: " + e.getMessage());
    }
  }

  /** The snapshot URL of {@code path} in {@code repository}, when a template applies and the lock dates its index. */
  public Optional<URI> url(LockedRepository repository, String path) {
    String template = perRepository.getOrDefault(repository.name(), defaultTemplate);
    if (template == null) {
      return Optional.empty();
    }
    if (!template.contains(PLACEHOLDER)) {
      return Optional.of(under(template, path));
    }
    if (!"debian".equals(repository.type())) {
      return Optional.empty();
    }
    return timestamp(repository).map(stamp -> under(template.replace(PLACEHOLDER, stamp), path));
  }

  private static URI under(String base, String path) {
    return URI.create((base.endsWith("/") ? base : base + "/") + path);
  }

  /** The date of the repository's InRelease (or Release) as the lock records it, as {@code YYYYMMDDTHHMMSSZ}. */
  static Optional<String> timestamp(LockedRepository repository) {
    if (repository.indexes() == null) {
      return Optional.empty();
    }
    return repository.indexes().stream()
        .filter(index -> index.date() != null && (index.path().endsWith("InRelease") || index.path().endsWith("Release")))
        .findFirst()
        .flatMap(index -> {
          try {
            return Optional.of(STAMP.format(Instant.parse(index.date())));
          } catch (DateTimeParseException e) {
            return Optional.empty();
          }
        });
  }
}
