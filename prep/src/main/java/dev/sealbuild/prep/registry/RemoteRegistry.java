package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.digest.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * {@link Registry} backed by Google Jib: Jib finds credentials (Docker/Podman auth files, credential helpers) and
 * pulls blobs; manifests are fetched byte-exact by {@link ManifestClient}. No Jib type leaves this package.
 */
public final class RemoteRegistry implements Registry, AutoCloseable {
  /** Configs are small JSON; a bigger one is refused rather than buffered. */
  static final long MAX_CONFIG_BYTES = 8L * 1024 * 1024;

  private final ManifestClient manifests;
  private final JibBlobFetcher blobs;

  public RemoteRegistry(RegistrySettings settings) {
    Objects.requireNonNull(settings, "settings");
    CredentialLookup credentials = new CredentialLookup(settings.environment());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    this.manifests = new ManifestClient(http, settings, credentials);
    this.blobs = new JibBlobFetcher(settings, credentials);
  }

  @Override
  public ResolvedImage resolve(ImageReference reference, List<Platform> platforms) {
    Objects.requireNonNull(reference, "reference");
    List<Platform> wanted = List.copyOf(platforms);
    ManifestClient.Fetched fetched = manifests.fetch(reference, reference.qualifier());
    Sha256 rootDigest = Sha256.hash(fetched.bytes());
    String what = "manifest of " + reference;
    if (reference.digest() != null && !reference.digest().equals(rootDigest)) {
      throw new RegistryException(what + " hashes to " + rootDigest + ", not the digest asked for: refused");
    }
    if (fetched.dockerContentDigest() != null && !fetched.dockerContentDigest().equals(rootDigest.toString())) {
      throw new RegistryException(what + " hashes to " + rootDigest + " but the registry says " + fetched.dockerContentDigest() + ": refused");
    }
    ManifestDocuments.Document root = ManifestDocuments.parse(fetched.bytes(), fetched.contentType(), what);
    Descriptor rootDescriptor = new Descriptor(root.mediaType(), rootDigest, fetched.bytes().length);
    List<PlatformImage> images = MediaTypes.isIndex(root.mediaType())
        ? fromIndex(reference, root, wanted)
        : List.of(fromSingleManifest(reference, rootDescriptor, fetched.bytes(), root, wanted));
    return new ResolvedImage(reference, rootDescriptor, fetched.bytes(), images);
  }

  private List<PlatformImage> fromIndex(ImageReference reference, ManifestDocuments.Document index, List<Platform> wanted) {
    String what = "index of " + reference;
    List<ManifestDocuments.IndexEntry> entries = ManifestDocuments.indexEntries(index, what).stream()
        .filter(entry -> entry.platform() != null && MediaTypes.isManifest(entry.descriptor().mediaType()))
        .toList();
    String available = entries.stream().map(entry -> entry.platform().toString()).distinct().collect(Collectors.joining(", "));
    if (wanted.isEmpty()) {
      throw new RegistryException(reference + " is a multi-platform index: name the platforms to use (it has " + available + ")");
    }
    List<PlatformImage> images = new ArrayList<>();
    for (Platform platform : wanted) {
      List<ManifestDocuments.IndexEntry> matches = entries.stream().filter(entry -> platform.matches(entry.platform())).toList();
      if (matches.isEmpty()) {
        throw new RegistryException(reference + " has no image for platform " + platform + " (it has " + available + ")");
      }
      if (matches.stream().map(ManifestDocuments.IndexEntry::platform).distinct().count() > 1 || matches.size() > 1) {
        throw new RegistryException(reference + " has several images for platform " + platform + " ("
            + matches.stream().map(m -> m.platform().toString()).collect(Collectors.joining(", ")) + "): name the variant");
      }
      Descriptor descriptor = matches.get(0).descriptor();
      images.add(childManifest(reference, descriptor, matches.get(0).platform()));
    }
    return images;
  }

  private PlatformImage childManifest(ImageReference reference, Descriptor descriptor, Platform platform) {
    String what = platform + " manifest " + descriptor.digest() + " of " + reference;
    if (descriptor.size() > ManifestClient.MAX_MANIFEST_BYTES) {
      throw new RegistryException(what + " declares " + descriptor.size() + " bytes, over the " + ManifestClient.MAX_MANIFEST_BYTES + " limit");
    }
    ManifestClient.Fetched fetched = manifests.fetch(reference, descriptor.digest().toString());
    byte[] bytes = fetched.bytes();
    if (bytes.length != descriptor.size() || !Sha256.hash(bytes).equals(descriptor.digest())) {
      throw new RegistryException(what + " does not match its descriptor (got " + bytes.length + " bytes hashing to "
          + Sha256.hash(bytes) + "): refused");
    }
    ManifestDocuments.Document manifest = ManifestDocuments.parse(bytes, descriptor.mediaType(), what);
    if (!manifest.mediaType().equals(descriptor.mediaType())) {
      throw new RegistryException(what + " is a " + manifest.mediaType() + " but its descriptor says " + descriptor.mediaType());
    }
    PlatformImage image = imageOf(reference, descriptor, bytes, manifest, what);
    Platform configured = ManifestDocuments.configPlatform(image.configBytes(), "config of " + what);
    if (!configured.os().equals(platform.os()) || !configured.architecture().equals(platform.architecture())) {
      throw new RegistryException("config of " + what + " says platform " + configured + ", not " + platform + ": refused");
    }
    return image;
  }

  private PlatformImage fromSingleManifest(ImageReference reference, Descriptor descriptor, byte[] bytes,
                                           ManifestDocuments.Document manifest, List<Platform> wanted) {
    String what = "manifest of " + reference;
    PlatformImage image = imageOf(reference, descriptor, bytes, manifest, what);
    Platform own = image.platform();
    if (wanted.size() > 1 || (wanted.size() == 1 && !wanted.get(0).matches(own))) {
      String missing = wanted.stream().filter(p -> !p.matches(own)).map(Platform::toString).collect(Collectors.joining(", "));
      throw new RegistryException(reference + " is a single-platform image for " + own + ": it has no image for platform "
          + (missing.isEmpty() ? wanted.get(1) : missing) + " (it has " + own + ")");
    }
    return image;
  }

  private PlatformImage imageOf(ImageReference reference, Descriptor descriptor, byte[] bytes,
                                ManifestDocuments.Document manifest, String what) {
    Descriptor config = ManifestDocuments.config(manifest, what);
    List<Descriptor> layers = ManifestDocuments.layers(manifest, what);
    if (config.size() > MAX_CONFIG_BYTES) {
      throw new RegistryException("config " + config.digest() + " of " + what + " declares " + config.size()
          + " bytes, over the " + MAX_CONFIG_BYTES + " limit: refused");
    }
    ByteArrayOutputStream configBytes = new ByteArrayOutputStream((int) config.size());
    fetchBlob(reference, config.digest(), config.size(), configBytes);
    Platform platform = ManifestDocuments.configPlatform(configBytes.toByteArray(), "config " + config.digest() + " of " + what);
    return new PlatformImage(platform, descriptor, bytes, config, configBytes.toByteArray(), layers);
  }

  @Override
  public byte[] fetchManifest(ImageReference repository, Descriptor descriptor) {
    String what = "manifest " + descriptor.digest() + " of " + repository.registry() + "/" + repository.repository();
    if (descriptor.size() > ManifestClient.MAX_MANIFEST_BYTES) {
      throw new RegistryException(what + " declares " + descriptor.size() + " bytes, over the " + ManifestClient.MAX_MANIFEST_BYTES + " limit");
    }
    byte[] bytes = manifests.fetch(repository, descriptor.digest().toString()).bytes();
    if (bytes.length != descriptor.size() || !Sha256.hash(bytes).equals(descriptor.digest())) {
      throw new RegistryException(what + " does not match its pinned digest (got " + bytes.length + " bytes hashing to "
          + Sha256.hash(bytes) + "): refused");
    }
    String mediaType = ManifestDocuments.parse(bytes, descriptor.mediaType(), what).mediaType();
    if (!mediaType.equals(descriptor.mediaType())) {
      throw new RegistryException(what + " is a " + mediaType + " but the lock says " + descriptor.mediaType() + ": refused");
    }
    return bytes;
  }

  @Override
  public void fetchBlob(ImageReference repository, Sha256 digest, long size, OutputStream out) {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(out, "out");
    String what = "blob " + digest + " of " + repository.registry() + "/" + repository.repository();
    VerifyingOutputStream verifying = new VerifyingOutputStream(out, digest, size, what);
    blobs.fetch(repository, digest, verifying);
    verifying.verify();
  }

  @Override
  public void close() {
    blobs.close();
  }
}
