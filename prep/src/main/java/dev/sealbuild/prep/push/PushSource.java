package dev.sealbuild.prep.push;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where {@code build push} reads an image, in skopeo's syntax: {@code oci:DIR[:TAG]} or {@code oci-archive:FILE[:TAG]}.
 *
 * @param tag null to take the layout's only image
 */
public record PushSource(Transport transport, Path path, String tag) {
  public enum Transport {
    OCI("oci"), OCI_ARCHIVE("oci-archive");

    private final String prefix;

    Transport(String prefix) {
      this.prefix = prefix;
    }
  }

  public PushSource {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(path, "path");
  }

  /** Parses {@code oci:DIR[:TAG]} or {@code oci-archive:FILE[:TAG]}; a relative path is taken from {@code workingDir}. */
  public static PushSource parse(String text, Path workingDir) {
    int colon = text.indexOf(':');
    String prefix = colon < 0 ? "" : text.substring(0, colon);
    Transport transport = null;
    for (Transport candidate : Transport.values()) {
      if (candidate.prefix.equals(prefix)) {
        transport = candidate;
      }
    }
    if (transport == null) {
      throw new PushException("source '" + text + "' is not oci:DIR[:TAG] or oci-archive:FILE[:TAG]"
          + (prefix.equals("docker") ? ": push copies a local image to a registry, not between registries" : ""));
    }
    String rest = text.substring(colon + 1);
    int second = rest.indexOf(':');
    String path = second < 0 ? rest : rest.substring(0, second);
    String tag = second < 0 || second == rest.length() - 1 ? null : rest.substring(second + 1);
    if (path.isEmpty()) {
      throw new PushException("source '" + text + "' names no path");
    }
    return new PushSource(transport, workingDir.resolve(path).normalize(), tag);
  }

  /** Opens the layout; the caller closes it. */
  public OciLayoutReader open() {
    return transport == Transport.OCI ? OciLayoutReader.directory(path) : OciLayoutReader.archive(path);
  }

  @Override
  public String toString() {
    return transport.prefix + ":" + path + (tag == null ? "" : ":" + tag);
  }
}
