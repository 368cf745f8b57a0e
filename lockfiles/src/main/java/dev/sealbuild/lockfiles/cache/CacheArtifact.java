package dev.sealbuild.lockfiles.cache;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.Manifest;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The vendor cache as an OCI 1.1 artifact, in a registry ({@code build cache push}) or an OCI image layout
 * ({@code build cache export}): one manifest per lock, whose "layers" are the blobs the lock needs, stored under
 * their own sha256 (how the cache names them), with the empty config. The manifest names sealbuild's artifact type,
 * the spec and the lock's digest, and is tagged by the lock's digest. It holds no time or host detail, so the same
 * locks give the same manifest digest on every machine.
 */
public final class CacheArtifact {
  public static final String ARTIFACT_TYPE = "application/vnd.sealbuild.cache.v1";
  /** The media type of every blob: the cache stores bytes as the lock pins them, whatever they are. */
  public static final String BLOB_MEDIA_TYPE = "application/vnd.sealbuild.cache.blob.v1";
  public static final String SPEC_ANNOTATION = "dev.sealbuild.cache.spec";
  public static final String LOCK_ANNOTATION = "dev.sealbuild.cache.lock";
  /** On each blob: the lock entry that needs it. */
  public static final String ENTRY_ANNOTATION = "dev.sealbuild.cache.entry";
  /** The tag of the artifact of the whole cache ({@code build cache push} without a lock). */
  public static final String WHOLE_CACHE_TAG = "whole-cache";

  /** {@code {}}, the OCI 1.1 empty config. */
  public static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);
  public static final Descriptor EMPTY_CONFIG_DESCRIPTOR =
      Descriptor.of(MediaType.OCI_EMPTY, Sha256.hash(EMPTY_CONFIG), EMPTY_CONFIG.length);

  private final Manifest manifest;
  private final byte[] bytes;
  private final String tag;

  private CacheArtifact(Manifest manifest, String tag) {
    this.manifest = manifest;
    this.bytes = manifest.toBytes();
    this.tag = tag;
  }

  /** The artifact of one lock: {@code blobs} with their sizes as found in the cache. */
  public static CacheArtifact forLock(String specName, Sha256 lockDigest, List<Blob> blobs) {
    Objects.requireNonNull(lockDigest, "lockDigest");
    Map<String, String> annotations = new LinkedHashMap<>();
    if (specName != null && !specName.isBlank()) {
      annotations.put(SPEC_ANNOTATION, specName);
    }
    annotations.put(LOCK_ANNOTATION, lockDigest.toString());
    return new CacheArtifact(manifest(blobs, annotations), tagOf(lockDigest));
  }

  /** The artifact of every blob in a cache. */
  public static CacheArtifact wholeCache(List<Blob> blobs) {
    return new CacheArtifact(manifest(blobs, Map.of()), WHOLE_CACHE_TAG);
  }

  /** The tag of a lock's artifact: {@code lock-<hex of the lock file's sha256>}. */
  public static String tagOf(Sha256 lockDigest) {
    return "lock-" + lockDigest.hex();
  }

  /** One blob: digest, size and the entry that needs it (null for none). */
  public record Blob(Sha256 digest, long size, String entry) {}

  private static Manifest manifest(List<Blob> blobs, Map<String, String> annotations) {
    List<Descriptor> layers = blobs.stream().sorted(Comparator.comparing(Blob::digest)).distinct()
        .map(b -> {
          Descriptor d = Descriptor.of(BLOB_MEDIA_TYPE, b.digest(), b.size());
          return b.entry() == null ? d : d.withAnnotations(Map.of(ENTRY_ANNOTATION, b.entry()));
        }).toList();
    return new Manifest(MediaType.OCI_MANIFEST, ARTIFACT_TYPE, EMPTY_CONFIG_DESCRIPTOR, layers, null, annotations);
  }

  public Manifest manifest() {
    return manifest;
  }

  /** The manifest's canonical bytes, as pushed and exported. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public Descriptor descriptor() {
    return Descriptor.of(MediaType.OCI_MANIFEST, Sha256.hash(bytes), bytes.length).withArtifactType(ARTIFACT_TYPE);
  }

  public String tag() {
    return tag;
  }

  /** The blobs it lists. */
  public List<Descriptor> blobs() {
    return manifest.layers();
  }
}
