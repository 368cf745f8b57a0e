package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sealbuild.formats.digest.Sha256;
import java.util.List;
import java.util.Objects;

/**
 * What a repository's signed metadata was when the lock was made: no mirror URL (a lock made against
 * one mirror works with any other), but the digest of each signed index, its date and who signed it.
 * Alpine repositories also embed their public keys, so rotated keys never break a rebuild.
 *
 * <p>A repository a {@code from: base} entry found in the base also records where: {@code from} (the base's file that
 * names it, such as {@code /etc/apt/sources.list}), {@code url} as that file gives it (prep fetches from there unless
 * {@code --mirror} overrides it), and for Debian the {@code suite} and {@code components}. The base is pinned, so
 * these are facts about pinned bytes; a hand-written repository leaves them out (its lock stays as before).
 */
public record LockedRepository(String name, String type, List<Index> indexes, List<Key> keys, String from, String url,
    String suite, List<String> components) implements Comparable<LockedRepository> {
  /** A signed index: {@code dists/bookworm/InRelease} or {@code x86_64/APKINDEX.tar.gz}. */
  public record Index(String path, Sha256 sha256, String date, String signer) implements Comparable<Index> {
    @JsonCreator
    public Index(@JsonProperty(value = "path", required = true) String path,
        @JsonProperty(value = "sha256", required = true) Sha256 sha256,
        @JsonProperty("date") String date,
        @JsonProperty("signer") String signer) {
      this.path = Objects.requireNonNull(path, "path");
      this.sha256 = Objects.requireNonNull(sha256, "sha256");
      this.date = date;
      this.signer = signer;
    }

    @Override
    public int compareTo(Index o) {
      return path.compareTo(o.path);
    }
  }

  /** A public key by file name, with its PEM text. */
  public record Key(String name, String pem) implements Comparable<Key> {
    @JsonCreator
    public Key(@JsonProperty(value = "name", required = true) String name, @JsonProperty(value = "pem", required = true) String pem) {
      this.name = Objects.requireNonNull(name, "name");
      this.pem = Objects.requireNonNull(pem, "pem");
    }

    @Override
    public int compareTo(Key o) {
      return name.compareTo(o.name);
    }
  }

  public LockedRepository(String name, String type, List<Index> indexes, List<Key> keys) {
    this(name, type, indexes, keys, null, null, null, null);
  }

  @JsonCreator
  public LockedRepository(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "type", required = true) String type,
      @JsonProperty("indexes") List<Index> indexes,
      @JsonProperty("keys") List<Key> keys,
      @JsonProperty("from") String from,
      @JsonProperty("url") String url,
      @JsonProperty("suite") String suite,
      @JsonProperty("components") List<String> components) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.indexes = indexes == null ? List.of() : indexes.stream().sorted().toList();
    this.keys = keys == null || keys.isEmpty() ? null : keys.stream().sorted().toList();
    this.from = from;
    this.url = url;
    this.suite = suite;
    this.components = components == null || components.isEmpty() ? null : List.copyOf(components);
  }

  /** Whether a {@code from: base} entry found this repository in the base. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isFromBase() {
    return from != null;
  }

  @Override
  public int compareTo(LockedRepository o) {
    return name.compareTo(o.name);
  }
}
