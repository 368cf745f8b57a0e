package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.MediaType;
import java.util.List;
import java.util.Objects;

/**
 * An image reference pinned by digest. {@code root} is what the reference points to (an OCI image index, a Docker
 * manifest list or a single image manifest) and {@code rootBytes} its raw bytes, which hash to {@code root.digest()}.
 * {@code images} holds one entry per requested platform, in the order requested; for a single manifest
 * {@code images.get(0).image().descriptor()} equals {@code root}.
 */
public record ResolvedImage(ImageReference reference, Descriptor root, byte[] rootBytes, List<FetchedPlatform> images) {
  public ResolvedImage {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(root, "root");
    rootBytes = rootBytes.clone();
    images = List.copyOf(images);
  }

  @Override
  public byte[] rootBytes() {
    return rootBytes.clone();
  }

  /** The reference with its digest pinned, e.g. {@code registry-1.docker.io/library/alpine:3.20@sha256:...}. */
  public ImageReference pinned() {
    return reference.withDigest(root.digest());
  }

  public boolean isIndex() {
    return MediaType.isIndexType(root.mediaType());
  }
}
