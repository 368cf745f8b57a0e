package dev.sealbuild.formats.oci;

import dev.sealbuild.formats.digest.Sha256;
import java.util.List;
import java.util.Objects;

/**
 * One platform's image, as go-containerregistry's {@code v1.Image} models it: the descriptor its manifest is known
 * by, the manifest (config descriptor and layers, lowest first) and the config (diff_ids, history, runtime config).
 * An image sealbuild built, read back from a layout or an archive, or fetched from a registry is this; each keeps
 * what is only its own beside it (raw bytes, blob files, uncompressed sizes).
 *
 * <p>The count of diff_ids is not checked against the layers here: a base image that disagrees is refused when it
 * is built on, while one that is only inspected or pinned is read as it is.
 *
 * @param platform the platform it serves: the index entry's when one names it, else the config's
 * @param descriptor the manifest's descriptor (media type, digest, size; the platform when an index lists it)
 */
public record PlatformImage(Platform platform, Descriptor descriptor, Manifest manifest, ImageConfig config) {
  /** OCI's pre-defined manifest annotation naming the image this one is built on. */
  public static final String BASE_NAME = "org.opencontainers.image.base.name";
  /** OCI's pre-defined manifest annotation with the digest of the base image's manifest. */
  public static final String BASE_DIGEST = "org.opencontainers.image.base.digest";

  public PlatformImage {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(config, "config");
    if (!descriptor.is(manifest.mediaType())) {
      throw new OciFormatException("manifest " + descriptor.digest() + " is a " + manifest.mediaType()
          + " but its descriptor says " + descriptor.mediaType());
    }
  }

  /** The manifest's digest: what names this platform's image. */
  public Sha256 digest() {
    return descriptor.digest();
  }

  /** The config's descriptor, as the manifest lists it. */
  public Descriptor configDescriptor() {
    return manifest.config();
  }

  /** The layers' descriptors, as the manifest lists them (lowest first). */
  public List<Descriptor> layers() {
    return manifest.layers();
  }

  /** The uncompressed layers' digests, as the config lists them (lowest first). */
  public List<Sha256> diffIds() {
    return config.diffIds();
  }

  /** The manifest's {@value #BASE_DIGEST} annotation, or null when it has none. */
  public String baseDigest() {
    return manifest.annotations().get(BASE_DIGEST);
  }
}
