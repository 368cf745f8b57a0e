package dev.sealbuild.prep.registry;

import dev.sealbuild.prep.http.Transport;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.ImageConfig;
import dev.sealbuild.formats.oci.Index;
import dev.sealbuild.formats.oci.Manifest;
import dev.sealbuild.formats.oci.OciDocument;
import dev.sealbuild.formats.oci.OciFormatException;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.formats.oci.PlatformImage;
import dev.sealbuild.formats.digest.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * {@link Registry} over the {@link Transport}: manifests are fetched byte-exact by {@link ManifestClient}, blobs by
 * {@link BlobClient}; Google Jib only finds credentials (Docker/Podman auth files, credential helpers). No Jib type
 * leaves this package.
 */
public final class RemoteRegistry implements Registry, AutoCloseable {
  /** Configs are small JSON; a bigger one is refused rather than buffered. */
  static final long MAX_CONFIG_BYTES = 8L * 1024 * 1024;

  private final ManifestClient manifests;
  private final BlobClient blobs;

  public RemoteRegistry(RegistrySettings settings, Transport transport) {
    Objects.requireNonNull(settings, "settings");
    RegistryHttp http = new RegistryHttp(transport, settings, new CredentialLookup(settings.environment()));
    this.manifests = new ManifestClient(http);
    this.blobs = new BlobClient(http, transport.settings().retryPolicy().maxAttempts());
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
    OciDocument root = parse(fetched.bytes(), fetched.contentType(), what);
    Descriptor rootDescriptor = Descriptor.of(root.mediaType(), rootDigest, fetched.bytes().length);
    List<FetchedPlatform> images = root instanceof Index index
        ? fromIndex(reference, index, wanted)
        : List.of(fromSingleManifest(reference, rootDescriptor, fetched.bytes(), (Manifest) root, wanted));
    return new ResolvedImage(reference, rootDescriptor, fetched.bytes(), images);
  }

  private List<FetchedPlatform> fromIndex(ImageReference reference, Index index, List<Platform> wanted) {
    List<Descriptor> entries = index.manifests().stream()
        .filter(entry -> entry.platform() != null && entry.knownType().filter(MediaType::isManifest).isPresent())
        .toList();
    String available = entries.stream().map(entry -> entry.platform().toString()).distinct().collect(Collectors.joining(", "));
    if (wanted.isEmpty()) {
      throw new RegistryException(reference + " is a multi-platform index: name the platforms to use (it has " + available + ")");
    }
    List<FetchedPlatform> images = new ArrayList<>();
    for (Platform platform : wanted) {
      List<Descriptor> matches = entries.stream().filter(entry -> platform.matches(entry.platform())).toList();
      if (matches.isEmpty()) {
        throw new RegistryException(reference + " has no image for platform " + platform + " (it has " + available + ")");
      }
      if (matches.stream().map(Descriptor::platform).distinct().count() > 1 || matches.size() > 1) {
        throw new RegistryException(reference + " has several images for platform " + platform + " ("
            + matches.stream().map(m -> m.platform().toString()).collect(Collectors.joining(", ")) + "): name the variant");
      }
      images.add(childManifest(reference, matches.get(0).bare(), matches.get(0).platform()));
    }
    return images;
  }

  private FetchedPlatform childManifest(ImageReference reference, Descriptor descriptor, Platform platform) {
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
    if (!(parse(bytes, descriptor.mediaType(), what) instanceof Manifest manifest)) {
      throw new RegistryException(what + " is an index but its descriptor says " + descriptor.mediaType());
    }
    if (!manifest.mediaType().toString().equals(descriptor.mediaType())) {
      throw new RegistryException(what + " is a " + manifest.mediaType() + " but its descriptor says " + descriptor.mediaType());
    }
    FetchedPlatform image = imageOf(reference, descriptor, bytes, manifest, what);
    Platform configured = image.image().config().platform();
    if (!configured.os().equals(platform.os()) || !configured.architecture().equals(platform.architecture())) {
      throw new RegistryException("config of " + what + " says platform " + configured + ", not " + platform + ": refused");
    }
    return image;
  }

  private FetchedPlatform fromSingleManifest(ImageReference reference, Descriptor descriptor, byte[] bytes,
                                             Manifest manifest, List<Platform> wanted) {
    String what = "manifest of " + reference;
    FetchedPlatform image = imageOf(reference, descriptor, bytes, manifest, what);
    Platform own = image.image().platform();
    if (wanted.size() > 1 || (wanted.size() == 1 && !wanted.get(0).matches(own))) {
      String missing = wanted.stream().filter(p -> !p.matches(own)).map(Platform::toString).collect(Collectors.joining(", "));
      throw new RegistryException(reference + " is a single-platform image for " + own + ": it has no image for platform "
          + (missing.isEmpty() ? wanted.get(1) : missing) + " (it has " + own + ")");
    }
    return image;
  }

  private FetchedPlatform imageOf(ImageReference reference, Descriptor descriptor, byte[] bytes,
                                  Manifest manifest, String what) {
    Descriptor config = manifest.config();
    if (config.size() > MAX_CONFIG_BYTES) {
      throw new RegistryException("config " + config.digest() + " of " + what + " declares " + config.size()
          + " bytes, over the " + MAX_CONFIG_BYTES + " limit: refused");
    }
    ByteArrayOutputStream configBytes = new ByteArrayOutputStream((int) config.size());
    fetchBlob(reference, config.digest(), config.size(), configBytes);
    ImageConfig parsed = parseConfig(configBytes.toByteArray(), "config " + config.digest() + " of " + what);
    return new FetchedPlatform(new PlatformImage(parsed.platform(), descriptor, manifest, parsed), bytes,
        configBytes.toByteArray());
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
    String mediaType = parse(bytes, descriptor.mediaType(), what).mediaType().toString();
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

  /** A fetched manifest or index, read with the formats model; its errors as this package's one-line error. */
  private static OciDocument parse(byte[] bytes, String declared, String what) {
    try {
      return OciDocument.parse(bytes, declared, what);
    } catch (OciFormatException e) {
      throw new RegistryException(e.getMessage(), e);
    }
  }

  /** A fetched image config, read with the formats model (it must name its platform); errors as in {@link #parse}. */
  private static ImageConfig parseConfig(byte[] config, String what) {
    try {
      return ImageConfig.parse(config, what);
    } catch (OciFormatException e) {
      throw new RegistryException(e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    // nothing held open: the transport's connections belong to the transport
  }
}
