package dev.sealbuild.prep.push;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.OciFormatException;
import dev.sealbuild.formats.oci.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads an OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/<hex>}) from a directory
 * or a tar archive. Every blob read is checked against its descriptor's size and digest; reads stop one byte past
 * the declared size.
 */
public final class OciLayoutReader implements AutoCloseable {
  static final int MAX_INDEX_BYTES = 4 * 1024 * 1024;
  /** What registries accept as a manifest (distribution's own limit). */
  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  private final LayoutStore store;
  private final List<Descriptor> entries;

  private OciLayoutReader(LayoutStore store, List<Descriptor> entries) {
    this.store = store;
    this.entries = entries;
  }

  /** {@code oci:DIR}. */
  public static OciLayoutReader directory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new PushException("oci:" + dir + ": no such directory (build one with build image -o oci:DIR:TAG)");
    }
    return open(new DirectoryStore(dir));
  }

  /** {@code oci-archive:FILE}. */
  public static OciLayoutReader archive(Path file) {
    return open(ArchiveStore.open(file));
  }

  private static OciLayoutReader open(LayoutStore store) {
    try {
      OptionalLong marker = store.size("oci-layout");
      if (marker.isEmpty() || marker.getAsLong() > 4096) {
        throw new PushException(store.label() + " is not an OCI image layout: it has no oci-layout file");
      }
      OptionalLong indexSize = store.size("index.json");
      if (indexSize.isEmpty()) {
        throw new PushException(store.label() + " is not an OCI image layout: it has no index.json");
      }
      if (indexSize.getAsLong() > MAX_INDEX_BYTES) {
        throw new PushException(store.label() + ": index.json has " + indexSize.getAsLong() + " bytes, over the " + MAX_INDEX_BYTES + " limit");
      }
      byte[] index;
      try (InputStream in = store.open("index.json")) {
        index = in.readNBytes(MAX_INDEX_BYTES + 1);
      }
      if (index.length > MAX_INDEX_BYTES) {
        throw new PushException(store.label() + ": index.json is over the " + MAX_INDEX_BYTES + " byte limit");
      }
      String what = store.label() + " index.json";
      return new OciLayoutReader(store, oci(() -> OciLayout.readIndex(index, what)).manifests());
    } catch (IOException e) {
      closeQuietly(store);
      throw new PushException(store.label() + ": cannot read the layout: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(store);
      throw e;
    }
  }

  public String label() {
    return store.label();
  }

  /** The descriptors of index.json, with their annotations (a tag is {@link OciLayout#REF_NAME}). */
  public List<Descriptor> entries() {
    return entries;
  }

  boolean has(Sha256 digest) {
    try {
      return store.size(blobName(digest)).isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  /** A manifest or index blob, checked against {@code descriptor}. */
  public byte[] readManifest(Descriptor descriptor, String what) {
    if (descriptor.size() > MAX_MANIFEST_BYTES) {
      throw new PushException(label() + ": " + what + " " + descriptor.digest() + " declares " + descriptor.size()
          + " bytes, over the " + MAX_MANIFEST_BYTES + " limit a registry accepts");
    }
    byte[] bytes;
    try (InputStream in = openExisting(descriptor, what)) {
      bytes = in.readNBytes((int) descriptor.size() + 1);
    } catch (IOException e) {
      throw new PushException(label() + ": cannot read " + what + " " + descriptor.digest() + ": " + e.getMessage(), e);
    }
    check(descriptor, what, bytes.length, Sha256.hash(bytes));
    return bytes;
  }

  /** Reads blob {@code descriptor} to its end, refusing a missing, short, long or altered blob. */
  public void verify(Descriptor descriptor, String what) {
    MessageDigest sha256 = dev.sealbuild.formats.digest.Sha256Hasher.newMessageDigest();
    long total = 0;
    try (InputStream in = openExisting(descriptor, what)) {
      byte[] buffer = new byte[256 * 1024];
      for (int n; total <= descriptor.size()
          && (n = in.read(buffer, 0, (int) Math.min(buffer.length, descriptor.size() + 1 - total))) >= 0; ) {
        sha256.update(buffer, 0, n);
        total += n;
      }
    } catch (IOException e) {
      throw new PushException(label() + ": cannot read " + what + " " + descriptor.digest() + ": " + e.getMessage(), e);
    }
    check(descriptor, what, total, Sha256.of(sha256.digest()));
  }

  /** The blob's bytes, unchecked: the uploader checks them against the descriptor while sending. */
  public InputStream open(Descriptor descriptor) throws IOException {
    return store.open(blobName(descriptor.digest()));
  }

  private InputStream openExisting(Descriptor descriptor, String what) throws IOException {
    if (!has(descriptor.digest())) {
      throw new PushException(label() + ": " + what + " " + descriptor.digest() + " is missing from blobs/sha256: the layout is"
          + " incomplete; build it again");
    }
    return store.open(blobName(descriptor.digest()));
  }

  private void check(Descriptor descriptor, String what, long size, Sha256 digest) {
    if (size != descriptor.size()) {
      // Reads stop one byte past the declared size, so a longer blob is only known to be longer.
      throw new PushException(label() + ": " + what + " " + descriptor.digest() + " has "
          + (size > descriptor.size() ? "more than " + descriptor.size() : String.valueOf(size))
          + " bytes but its descriptor says " + descriptor.size() + ": the layout is corrupt; build it again");
    }
    if (!digest.equals(descriptor.digest())) {
      throw new PushException(label() + ": " + what + " " + descriptor.digest() + " hashes to " + digest
          + ": the layout is corrupt; build it again");
    }
  }

  /** A model error (not JSON, bad digest, ambiguous document) as this package's one-line error. */
  static <T> T oci(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (OciFormatException e) {
      throw new PushException(e.getMessage(), e);
    }
  }

  private static String blobName(Sha256 digest) {
    return "blobs/sha256/" + digest.hex();
  }

  private static void closeQuietly(LayoutStore store) {
    try {
      store.close();
    } catch (IOException e) {
      // Already failing; the first error is the one to report.
    }
  }

  @Override
  public void close() {
    closeQuietly(store);
  }
}
