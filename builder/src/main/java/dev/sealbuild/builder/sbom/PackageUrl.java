package dev.sealbuild.builder.sbom;

import dev.sealbuild.formats.digest.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Package URLs (purl, ECMA-427) for what an image is made of, in canonical form: type and name lower case,
 * qualifiers sorted by key, every byte outside {@code A-Z a-z 0-9 . - _ ~ :} percent-encoded (so a Debian
 * version's {@code +} is {@code %2B}, a repository URL's {@code /} is {@code %2F}).
 */
final class PackageUrl {
  private static final String HEX = "0123456789ABCDEF";

  private PackageUrl() {}

  /** {@code pkg:deb/debian/NAME@VERSION?arch=ARCH}. */
  static String deb(String name, String version, String arch) {
    return build("deb", "debian", name, version, arch == null || arch.isEmpty() ? Map.of() : Map.of("arch", arch));
  }

  /** {@code pkg:apk/alpine/NAME@VERSION?arch=ARCH}. */
  static String apk(String name, String version, String arch) {
    return build("apk", "alpine", name, version, arch == null || arch.isEmpty() ? Map.of() : Map.of("arch", arch));
  }

  /**
   * {@code pkg:oci/NAME@sha256:HEX?repository_url=REGISTRY/REPOSITORY[&tag=TAG]}: the name is the last part of the
   * repository, the version the digest the reference resolved to, {@code repository_url} the repository it was
   * pinned from (as the purl types list writes it, {@code docker.io/library/debian}).
   */
  static String oci(String repository, Sha256 digest, String tag) {
    String name = repository.substring(repository.lastIndexOf('/') + 1);
    Map<String, String> qualifiers = new TreeMap<>();
    qualifiers.put("repository_url", repository);
    if (tag != null && !tag.isEmpty()) {
      qualifiers.put("tag", tag);
    }
    return build("oci", null, name, digest.toString(), qualifiers);
  }

  /** The tag of an image reference ({@code host/repo:tag} or {@code host/repo:tag@sha256:...}), or null. */
  static String tagOf(String reference) {
    String beforeDigest = reference.contains("@") ? reference.substring(0, reference.indexOf('@')) : reference;
    int colon = beforeDigest.lastIndexOf(':');
    return colon > beforeDigest.lastIndexOf('/') && colon >= 0 ? beforeDigest.substring(colon + 1) : null;
  }

  private static String build(String type, String namespace, String name, String version, Map<String, String> qualifiers) {
    StringBuilder purl = new StringBuilder("pkg:").append(type).append('/');
    if (namespace != null) {
      purl.append(encode(namespace)).append('/');
    }
    purl.append(encode(name.toLowerCase(Locale.ROOT)));
    if (version != null && !version.isEmpty()) {
      purl.append('@').append(encode(version));
    }
    char separator = '?';
    for (Map.Entry<String, String> q : new TreeMap<>(qualifiers).entrySet()) {
      purl.append(separator).append(q.getKey()).append('=').append(encode(q.getValue()));
      separator = '&';
    }
    return purl.toString();
  }

  static String encode(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || ".-_~:".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
      }
    }
    return out.toString();
  }
}
