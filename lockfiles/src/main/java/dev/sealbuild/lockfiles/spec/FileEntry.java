package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.util.List;

/**
 * A remote file pinned by URL: placed at {@code dest}, or with {@code extract} an archive unpacked into
 * the directory {@code dest}. {@code sha256} is optional in the spec; {@code build lock} fills it in. A
 * {@code temporary} entry is present only while the stage's {@code run} steps run, and in no layer. {@code mirrors}
 * are other URLs serving the same bytes, tried in order when {@code url} fails (they change nothing the lock pins).
 */
public record FileEntry(URI url, String sha256, ImagePath dest, FileMode mode, Owner owner, boolean extract,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean temporary,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<URI> mirrors) {
  @JsonCreator
  public static FileEntry fromSpec(
      @JsonProperty(value = "url", required = true) URI url,
      @JsonProperty("sha256") String sha256,
      @JsonProperty(value = "dest", required = true) ImagePath dest,
      @JsonProperty("mode") FileMode mode,
      @JsonProperty("owner") Owner owner,
      @JsonProperty("extract") Boolean extract,
      @JsonProperty("temporary") Boolean temporary,
      @JsonProperty("mirrors") List<URI> mirrors) {
    return new FileEntry(url, sha256, dest, mode, owner, extract != null && extract, temporary != null && temporary, mirrors);
  }

  public static FileEntry fromSpec(URI url, String sha256, ImagePath dest, FileMode mode, Owner owner, Boolean extract,
      Boolean temporary) {
    return fromSpec(url, sha256, dest, mode, owner, extract, temporary, null);
  }

  public static FileEntry fromSpec(URI url, String sha256, ImagePath dest, FileMode mode, Owner owner, Boolean extract) {
    return fromSpec(url, sha256, dest, mode, owner, extract, null, null);
  }

  public FileEntry(URI url, String sha256, ImagePath dest, FileMode mode, Owner owner, boolean extract, boolean temporary) {
    this(url, sha256, dest, mode, owner, extract, temporary, null);
  }

  /** A file that lands in the image. */
  public FileEntry(URI url, String sha256, ImagePath dest, FileMode mode, Owner owner, boolean extract) {
    this(url, sha256, dest, mode, owner, extract, false, null);
  }

  public FileEntry {
    if (url == null || url.getScheme() == null || !(url.getScheme().equals("https") || url.getScheme().equals("http"))) {
      throw new IllegalArgumentException("url '" + url + "' must be an http or https URL");
    }
    sha256 = sha256 == null ? null : dev.sealbuild.formats.digest.Sha256.parse(sha256).hex();
    owner = owner == null ? Owner.ROOT : owner;
    mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
    for (URI mirror : mirrors) {
      if (mirror == null || mirror.getScheme() == null || !(mirror.getScheme().equals("https") || mirror.getScheme().equals("http"))) {
        throw new IllegalArgumentException("mirror '" + mirror + "' of " + url + " must be an http or https URL");
      }
    }
  }
}
