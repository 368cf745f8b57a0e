package dev.sealbuild.formats.purl;

import dev.sealbuild.formats.digest.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Package URLs (purl, https://github.com/package-url/purl-spec, ECMA-427) in the canonical form the spec's build
 * tests print: type lower case, namespace, name, version and qualifier values UTF-8 percent-encoded except
 * {@code A-Z a-z 0-9 . - _ ~} and {@code :} (which the spec says is never encoded), qualifiers sorted by key with
 * empty values left out. So a Debian version's {@code +} is {@code %2B}, a digest's {@code sha256:} stays as it is
 * and a {@code repository_url}'s {@code /} is {@code %2F}: {@code pkg:oci/debian@sha256:244f...?arch=amd64&
 * repository_url=docker.io%2Flibrary%2Fdebian&tag=latest}. The SBOM and the provenance both print through here,
 * so they name the same thing the same way.
 */
public final class PackageUrl {
  private static final String HEX = "0123456789ABCDEF";

  private PackageUrl() {}

  /** {@code pkg:TYPE[/NAMESPACE]/NAME[@VERSION][?k=v&...]}; {@code namespace} and {@code version} may be null. */
  public static String of(String type, String namespace, String name, String version, Map<String, String> qualifiers) {
    StringBuilder purl = new StringBuilder("pkg:").append(type.toLowerCase(Locale.ROOT)).append('/');
    if (namespace != null && !namespace.isEmpty()) {
      purl.append(encode(namespace)).append('/');
    }
    purl.append(encode(name));
    if (version != null && !version.isEmpty()) {
      purl.append('@').append(encode(version));
    }
    char separator = '?';
    for (Map.Entry<String, String> q : new TreeMap<>(qualifiers).entrySet()) {
      if (q.getValue() != null && !q.getValue().isEmpty()) {
        purl.append(separator).append(q.getKey().toLowerCase(Locale.ROOT)).append('=').append(encode(q.getValue()));
        separator = '&';
      }
    }
    return purl.toString();
  }

  /** {@code pkg:deb/debian/NAME@VERSION?arch=ARCH[&distro=DISTRO]}; Debian names are lower case. */
  public static String deb(String name, String version, String arch, String distro) {
    Map<String, String> qualifiers = new TreeMap<>();
    putIfPresent(qualifiers, "arch", arch);
    putIfPresent(qualifiers, "distro", distro);
    return of("deb", "debian", name.toLowerCase(Locale.ROOT), version, qualifiers);
  }

  /** {@code pkg:apk/alpine/NAME@VERSION?arch=ARCH}; apk names are lower case. */
  public static String apk(String name, String version, String arch) {
    Map<String, String> qualifiers = new TreeMap<>();
    putIfPresent(qualifiers, "arch", arch);
    return of("apk", "alpine", name.toLowerCase(Locale.ROOT), version, qualifiers);
  }

  /**
   * {@code pkg:oci/NAME@sha256:HEX?[arch=ARCH&]repository_url=REGISTRY/REPOSITORY[&tag=TAG]}: the name is the last
   * part of the repository, lower case; the version the digest the reference resolved to; {@code repository_url} the
   * repository it was pinned from. {@code tag} and {@code arch} may be null.
   */
  public static String oci(String repository, Sha256 digest, String tag, String arch) {
    String name = repository.substring(repository.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    Map<String, String> qualifiers = new TreeMap<>();
    qualifiers.put("repository_url", repository);
    putIfPresent(qualifiers, "tag", tag);
    putIfPresent(qualifiers, "arch", arch);
    return of("oci", null, name, digest.toString(), qualifiers);
  }

  /** The tag of an image reference ({@code host/repo:tag} or {@code host/repo:tag@sha256:...}), or null. */
  public static String tagOf(String reference) {
    String beforeDigest = reference.contains("@") ? reference.substring(0, reference.indexOf('@')) : reference;
    int colon = beforeDigest.lastIndexOf(':');
    return colon >= 0 && colon > beforeDigest.lastIndexOf('/') ? beforeDigest.substring(colon + 1) : null;
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

  private static void putIfPresent(Map<String, String> map, String key, String value) {
    if (value != null && !value.isEmpty()) {
      map.put(key, value);
    }
  }
}
