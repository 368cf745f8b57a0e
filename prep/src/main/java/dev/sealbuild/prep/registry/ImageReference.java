package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.digest.Sha256;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed image reference: registry host[:port], repository, and a tag and/or digest. Docker's defaults apply:
 * {@code alpine} is {@code registry-1.docker.io/library/alpine:latest}.
 *
 * @param tag null when the reference names only a digest
 * @param digest null when the reference names only a tag
 */
public record ImageReference(String registry, String repository, String tag, Sha256 digest) {
  /** Where Docker Hub's registry API answers. */
  public static final String DOCKER_HUB = "registry-1.docker.io";
  private static final java.util.Set<String> DOCKER_HUB_NAMES = java.util.Set.of(DOCKER_HUB, "docker.io", "index.docker.io");

  public ImageReference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    if (tag == null && digest == null) {
      throw new IllegalArgumentException("an image reference needs a tag or a digest: " + registry + "/" + repository);
    }
  }

  /** Parses {@code [registry[:port]/]repository[:tag][@sha256:hex]}; a one-line {@link RegistryException} otherwise. */
  public static ImageReference parse(String text) {
    Objects.requireNonNull(text, "image reference");
    com.google.cloud.tools.jib.api.ImageReference parsed;
    try {
      parsed = com.google.cloud.tools.jib.api.ImageReference.parse(text);
    } catch (com.google.cloud.tools.jib.api.InvalidImageReferenceException | RuntimeException e) {
      throw new RegistryException("image reference '" + text + "' does not parse: use [registry[:port]/]repository[:tag][@sha256:<64 hex>]", e);
    }
    if (parsed.isScratch()) {
      throw new RegistryException("image reference '" + text + "' is 'scratch', which is not in any registry: drop the base image instead");
    }
    Sha256 digest = null;
    if (parsed.getDigest().isPresent()) {
      try {
        digest = Sha256.parse(parsed.getDigest().get());
      } catch (IllegalArgumentException e) {
        throw new RegistryException("image reference '" + text + "' has an unusable digest (" + e.getMessage() + "): use @sha256:<64 lowercase hex>", e);
      }
    }
    String tag = parsed.getTag().orElse(null);
    if (digest != null && parsed.usesDefaultTag() && !text.contains(":latest")) {
      tag = null; // Jib fills in "latest" beside a digest; a digest-only reference has no tag.
    }
    String registry = parsed.getRegistry();
    String repository = parsed.getRepository();
    if (DOCKER_HUB_NAMES.contains(registry)) {
      // Jib maps a bare "alpine" to library/alpine but leaves "docker.io/alpine" alone; Docker does not.
      registry = DOCKER_HUB;
      repository = repository.contains("/") ? repository : "library/" + repository;
    }
    return new ImageReference(registry, repository, tag, digest);
  }

  public Optional<String> tagIfAny() {
    return Optional.ofNullable(tag);
  }

  public Optional<Sha256> digestIfAny() {
    return Optional.ofNullable(digest);
  }

  /** What to ask the registry for: the digest when there is one (it wins over the tag), else the tag. */
  public String qualifier() {
    return digest != null ? digest.toString() : tag;
  }

  /** The same repository pinned to a digest, keeping the tag for readability. */
  public ImageReference withDigest(Sha256 pinned) {
    return new ImageReference(registry, repository, tag, Objects.requireNonNull(pinned, "digest"));
  }

  @Override
  public String toString() {
    return registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }
}
