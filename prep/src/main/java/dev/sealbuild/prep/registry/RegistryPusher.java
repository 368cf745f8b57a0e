package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.digest.Sha256;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes to an OCI / Docker v2 registry: blobs through Jib (existence check, cross-repository mount, upload) and
 * manifests byte for byte through the JDK client, so their digests stay what they were built as. Credentials and the
 * plain-HTTP rule are those of {@link RemoteRegistry}. Every failure is a one-line {@link RegistryException}
 * naming the reference; I/O errors, 429 and 5xx are retried up to {@link RegistrySettings#maxAttempts()} times.
 */
public final class RegistryPusher implements AutoCloseable {
  private final RegistrySettings settings;
  private final ManifestClient manifests;
  private final JibBlobPusher blobs;
  private final java.util.Set<String> reachable = new java.util.HashSet<>();

  public RegistryPusher(RegistrySettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    CredentialLookup credentials = new CredentialLookup(settings.environment());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    this.manifests = new ManifestClient(http, settings, credentials);
    this.blobs = new JibBlobPusher(settings, credentials);
  }

  /**
   * Makes {@code blob} present in {@code target}'s repository unless it already is, mounting it from
   * {@code mountFrom} (a repository on the same registry, or null) when the registry allows. The bytes from
   * {@code content} are checked against the descriptor's size and digest while they are sent.
   */
  public BlobPush pushBlob(ImageReference target, Descriptor blob, BlobSource content, String mountFrom) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(blob, "blob");
    Objects.requireNonNull(content, "content");
    ensureReachable(target);
    if (mountFrom != null && mountFrom.equals(target.repository())) {
      mountFrom = null;
    }
    return blobs.push(target, blob, content, mountFrom);
  }

  /**
   * Uploads {@code bytes} unchanged as manifest {@code qualifier} (a tag, or the manifest's digest) of
   * {@code target}'s repository, and refuses a registry that reports another digest for them.
   */
  public void putManifest(ImageReference target, String qualifier, Descriptor manifest, byte[] bytes) {
    Objects.requireNonNull(manifest, "manifest");
    Sha256 actual = Sha256.hash(bytes);
    if (!actual.equals(manifest.digest()) || bytes.length != manifest.size()) {
      throw new IllegalArgumentException("manifest bytes do not match " + manifest.digest());
    }
    ensureReachable(target);
    String where = target.registry() + "/" + target.repository() + (qualifier.startsWith("sha256:") ? "@" : ":") + qualifier;
    Optional<String> reported;
    try {
      reported = manifests.put(target, qualifier, manifest.mediaType(), bytes);
    } catch (RegistryException e) {
      throw e.getCause() instanceof java.io.IOException ? new RegistryException(e.getMessage()
          + transportHint(settings, target.registry()), e.getCause()) : e;
    }
    if (reported.isPresent() && !reported.get().equals(manifest.digest().toString())) {
      throw new RegistryException("registry " + target.registry() + " stored manifest " + manifest.digest() + " pushed as " + where
          + " under digest " + reported.get() + ": it changed the bytes, refused");
    }
  }

  /**
   * Fetches manifest {@code qualifier} of {@code target}'s repository back and returns the digest of the bytes
   * served (refusing a Docker-Content-Digest header that disagrees with them).
   */
  /** The bytes of manifest or index {@code qualifier}, or empty when the registry has none by that name. */
  public Optional<byte[]> manifestIfPresent(ImageReference target, String qualifier) {
    return manifests.fetchIfPresent(target, qualifier).map(ManifestClient.Fetched::bytes);
  }

  /** True when the registry keeps OCI 1.1 referrers itself (its referrers API answers). */
  public boolean servesReferrers(ImageReference target, Sha256 subject) {
    return manifests.servesReferrers(target, subject.toString());
  }

  public Sha256 manifestDigest(ImageReference target, String qualifier) {
    ManifestClient.Fetched fetched = manifests.fetch(target, qualifier);
    Sha256 digest = Sha256.hash(fetched.bytes());
    if (fetched.dockerContentDigest() != null && !fetched.dockerContentDigest().equals(digest.toString())) {
      throw new RegistryException("manifest " + qualifier + " of " + target.registry() + "/" + target.repository() + " hashes to "
          + digest + " but the registry says " + fetched.dockerContentDigest() + ": refused");
    }
    return digest;
  }

  /**
   * Pings each registry once before the first request. Jib retries a failed connection on its own for about a
   * minute; asking here first makes a wrong host, port or scheme fail at once with a clear message.
   */
  private void ensureReachable(ImageReference target) {
    if (reachable.contains(target.registry())) {
      return;
    }
    try {
      manifests.ping(target);
    } catch (RegistryException e) {
      throw new RegistryException("cannot push " + target + ": " + e.getMessage() + transportHint(settings, target.registry()), e);
    }
    reachable.add(target.registry());
  }

  /** Explains a connection failure to a registry reached over HTTPS only because it is not allowed plain HTTP. */
  static String transportHint(RegistrySettings settings, String registry) {
    return settings.allowsPlainHttp(registry) ? ""
        : " (" + registry + " was contacted over HTTPS: plain HTTP is used only for loopback registries and those named"
            + " with --insecure-registry)";
  }

  @Override
  public void close() {
    blobs.close();
  }
}
