package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;

/**
 * A remote file pinned by URL: placed at {@code dest}, or with {@code extract} an archive unpacked into
 * the directory {@code dest}. {@code sha256} is optional in the spec; {@code build lock} fills it in.
 */
public record FileEntry(URI url, String sha256, ImagePath dest, FileMode mode, Owner owner, boolean extract) {
  @JsonCreator
  public static FileEntry fromSpec(
      @JsonProperty(value = "url", required = true) URI url,
      @JsonProperty("sha256") String sha256,
      @JsonProperty(value = "dest", required = true) ImagePath dest,
      @JsonProperty("mode") FileMode mode,
      @JsonProperty("owner") Owner owner,
      @JsonProperty("extract") Boolean extract) {
    return new FileEntry(url, sha256, dest, mode, owner, extract != null && extract);
  }

  public FileEntry(
      URI url,
      String sha256,
      ImagePath dest,
      FileMode mode,
      Owner owner,
      boolean extract) {
    if (url == null || url.getScheme() == null || !(url.getScheme().equals("https") || url.getScheme().equals("http"))) {
      throw new IllegalArgumentException("url '" + url + "' must be an http or https URL");
    }
    this.url = url;
    this.sha256 = sha256 == null ? null : dev.sealbuild.formats.digest.Sha256.parse(sha256).hex();
    this.dest = dest;
    this.mode = mode;
    this.owner = owner == null ? Owner.ROOT : owner;
    this.extract = extract;
  }
}
