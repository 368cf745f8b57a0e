package dev.sealbuild.prep.push;

import dev.sealbuild.prep.registry.ImageReference;

/** Where {@code build push} sends an image: {@code docker://[REGISTRY[:PORT]/]REPOSITORY[:TAG][@DIGEST]}. */
public final class PushDestination {
  private static final String PREFIX = "docker://";

  private PushDestination() {}

  public static ImageReference parse(String text) {
    if (!text.startsWith(PREFIX) || text.length() == PREFIX.length()) {
      throw new PushException("destination '" + text + "' is not docker://REGISTRY/REPOSITORY[:TAG]: push writes only to registries");
    }
    return ImageReference.parse(text.substring(PREFIX.length()));
  }
}
