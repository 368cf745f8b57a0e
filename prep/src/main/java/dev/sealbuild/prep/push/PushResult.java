package dev.sealbuild.prep.push;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.registry.ImageReference;

/**
 * A finished push: the destination pinned to the image's digest, and what it took.
 *
 * @param uploadedBytes bytes of the uploaded blobs
 */
public record PushResult(ImageReference reference, Sha256 digest, int uploaded, long uploadedBytes, int mounted, int existed,
                         int manifests, int referrers) {}
