package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;

/**
 * A remote file pinned by URL: placed at {@code dest}, or with {@code extract} an archive unpacked into
 * the directory {@code dest}. {@code sha256} is optional in the spec; {@code build lock} fills it in. A
 * {@code temporary} entry is present only while the stage's {@code run} steps run, and in no layer.
 */
public record FileEntry(URI url, String sha256, ImagePath dest, FileMode mode, Owner owner, boolean extract,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean temporary) {
  @JsonCreator
  public static FileEntry fromSpec(
      @JsonProperty(value = "url", required = true) URI url,
      @JsonProperty("sha256") String sha256,
      @JsonProperty(value = "dest", required = true) ImagePath dest,
      @JsonProperty("mode") FileMode mode,
      @JsonProperty("owner") Owner owner,
      @JsonProperty("extract") Boolean extract,
      @JsonProperty("temporary") Boolean temporary) {
    return new FileEntry(url, sha256, dest, mode, owner, extract != null && extract, temporary != null && temporary);
  }

  public static FileEntry fromSpec(URI url, String sha256, ImagePath dest, FileMode mode, Owner owner, Boolean extract) {
    return fromSpec(url, sha256, dest, mode, owner, extract, null);
  }

  /** A file that lands in the image. */
  public FileEntry(URI url, String sha256, ImagePath dest, FileMode mode, Owner owner, boolean extract) {
    this(url, sha256, dest, mode, owner, extract, false);
  }

  public FileEntry {
    if (url == null || url.getScheme() == null || !(url.getScheme().equals("https") || url.getScheme().equals("http"))) {
      throw new IllegalArgumentException("url '" + url + "' must be an http or https URL");
    }
    sha256 = sha256 == null ? null : dev.sealbuild.formats.digest.Sha256.parse(sha256).hex();
    owner = owner == null ? Owner.ROOT : owner;
  }
}
