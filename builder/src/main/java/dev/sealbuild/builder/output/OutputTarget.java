package dev.sealbuild.builder.output;

import java.nio.file.Path;

/**
 * Where an image goes, in skopeo's transport syntax: {@code oci:DIR[:TAG]}, {@code oci-archive:FILE[:TAG]},
 * {@code docker-archive:FILE[:NAME:TAG]}.
 */
public record OutputTarget(Transport transport, Path path, String reference) {
  public enum Transport {
    OCI("oci"), OCI_ARCHIVE("oci-archive"), DOCKER_ARCHIVE("docker-archive");

    private final String prefix;

    Transport(String prefix) {
      this.prefix = prefix;
    }

    public String prefix() {
      return prefix;
    }
  }

  public static OutputTarget parse(String text, Path workingDir) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("output '" + text + "' must be oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:NAME:TAG]");
    }
    String prefix = text.substring(0, colon);
    String rest = text.substring(colon + 1);
    Transport transport = null;
    for (Transport t : Transport.values()) {
      if (t.prefix.equals(prefix)) {
        transport = t;
      }
    }
    if (transport == null) {
      throw new IllegalArgumentException("unknown output transport '" + prefix + "'; use oci:, oci-archive: or docker-archive:");
    }
    int second = rest.indexOf(':');
    String path = second < 0 ? rest : rest.substring(0, second);
    String reference = second < 0 ? null : rest.substring(second + 1);
    if (path.isEmpty()) {
      throw new IllegalArgumentException("output '" + text + "' names no path");
    }
    if (reference != null && reference.isEmpty()) {
      reference = null;
    }
    if (reference != null && !reference.matches("[A-Za-z0-9][A-Za-z0-9._/:@-]*")) {
      throw new IllegalArgumentException("output '" + text + "': '" + reference + "' is not a valid tag or name:tag");
    }
    return new OutputTarget(transport, workingDir.resolve(path).normalize(), reference);
  }

  @Override
  public String toString() {
    return transport.prefix + ":" + path + (reference == null ? "" : ":" + reference);
  }
}
