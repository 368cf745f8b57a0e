package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.digest.Sha256;
import java.net.URI;

/** A root-filesystem tarball (tar, tar.gz, tar.xz), by URL or by a path relative to the spec. */
public record RootfsSource(URI url, String path, String sha256) {
  @JsonCreator
  public RootfsSource(
      @JsonProperty("url") URI url, @JsonProperty("path") String path, @JsonProperty("sha256") String sha256) {
    if ((url == null) == (path == null)) {
      throw new IllegalArgumentException("rootfs needs exactly one of 'url' or 'path'");
    }
    if (url != null && (url.getScheme() == null || !(url.getScheme().equals("https") || url.getScheme().equals("http")))) {
      throw new IllegalArgumentException("rootfs url '" + url + "' must be an http or https URL");
    }
    this.url = url;
    this.path = path;
    this.sha256 = sha256 == null ? null : Sha256.parse(sha256).hex();
  }

  /** The name shown in messages and recorded in the lock: the URL, or the local path. */
  public String source() {
    return url != null ? url.toString() : path;
  }
}
