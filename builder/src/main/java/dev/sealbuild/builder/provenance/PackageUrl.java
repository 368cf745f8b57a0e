package dev.sealbuild.builder.provenance;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Package URLs (purl, https://github.com/package-url/purl-spec) in canonical form: lowercase type,
 * percent-encoded segments, qualifiers sorted by key. Only what provenance needs: deb, apk and oci.
 */
final class PackageUrl {
  private PackageUrl() {}

  /** {@code pkg:TYPE/NAMESPACE/NAME@VERSION?k=v&...}; {@code namespace} may be null, empty qualifier values are left out. */
  static String of(String type, String namespace, String name, String version, Map<String, String> qualifiers) {
    StringBuilder purl = new StringBuilder("pkg:").append(type).append('/');
    if (namespace != null) {
      purl.append(encode(namespace, false)).append('/');
    }
    purl.append(encode(name, false));
    if (version != null) {
      purl.append('@').append(encode(version, false));
    }
    char separator = '?';
    for (Map.Entry<String, String> q : new TreeMap<>(qualifiers).entrySet()) {
      if (q.getValue() != null && !q.getValue().isEmpty()) {
        purl.append(separator).append(q.getKey()).append('=').append(encode(q.getValue(), true));
        separator = '&';
      }
    }
    return purl.toString();
  }

  /** Keeps RFC 3986 unreserved characters (and '/' inside qualifier values, as the purl examples do). */
  private static String encode(String text, boolean keepSlash) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || (keepSlash && c == '/');
      if (unreserved) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
