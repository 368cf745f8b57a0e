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
 */
public record LockedRepository(String name, String type, List<Index> indexes, List<Key> keys) implements Comparable<LockedRepository> {
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

  @JsonCreator
  public LockedRepository(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "type", required = true) String type,
      @JsonProperty("indexes") List<Index> indexes,
      @JsonProperty("keys") List<Key> keys) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.indexes = indexes == null ? List.of() : indexes.stream().sorted().toList();
    this.keys = keys == null || keys.isEmpty() ? null : keys.stream().sorted().toList();
  }

  @Override
  public int compareTo(LockedRepository o) {
    return name.compareTo(o.name);
  }
}
