package dev.sealbuild.prep.cacheregistry;

import dev.sealbuild.prep.registry.ImageReference;
import dev.sealbuild.prep.registry.RegistryException;

/**
 * A registry repository holding a vendor cache: {@code docker://[REGISTRY[:PORT]/]REPOSITORY}, without a tag or
 * digest (the cache's artifacts carry their own tags, and blobs are asked for by digest).
 */
public final class CacheRepository {
  private static final String PREFIX = "docker://";

  private CacheRepository() {}

  /** The repository, as a reference with the placeholder tag {@code latest} (only its registry and path are used). */
  public static ImageReference parse(String text, String option) {
    String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    if (!text.startsWith(PREFIX) || text.length() == PREFIX.length()) {
      throw new CacheRegistryException(option + " '" + shown + "' is not docker://REGISTRY[:PORT]/REPOSITORY");
    }
    String rest = text.substring(PREFIX.length());
    String last = rest.substring(rest.lastIndexOf('/') + 1);
    if (last.contains(":") || rest.contains("@")) {
      throw new CacheRegistryException(option + " '" + shown + "' names a tag or digest: give the repository alone"
          + " (docker://REGISTRY[:PORT]/REPOSITORY); the cache's artifacts are tagged by lock digest");
    }
    try {
      ImageReference parsed = ImageReference.parse(rest);
      return new ImageReference(parsed.registry(), parsed.repository(), "latest", null);
    } catch (RegistryException e) {
      throw new CacheRegistryException(option + " '" + shown + "': " + e.getMessage(), e);
    }
  }

  /** {@code docker://REGISTRY/REPOSITORY}, for messages. */
  public static String display(ImageReference repository) {
    return PREFIX + repository.registry() + "/" + repository.repository();
  }
}
