package dev.sealbuild.prep.bundle;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.OciLayout;
import dev.sealbuild.lockfiles.cache.CacheArtifact;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code build cache export}: the blobs of some {@link CacheArtifact}s as an OCI image layout in a tar (what skopeo
 * calls {@code oci-archive:}), for carrying into an air-gapped network: {@code oci-layout}, {@code index.json} naming
 * each artifact by its tag, and {@code blobs/sha256/} holding the empty config, the artifact manifests and the
 * blobs, each once. Entries are in a fixed order with fixed metadata, so the same locks and cache give the same
 * bytes. Every blob is re-hashed on its way out (a damaged cache is not exported); the tar is written beside
 * {@code FILE} and renamed onto it only when complete.
 */
public final class CacheBundleWriter {
  private static final int BUFFER = 256 * 1024;

  private final VendorCacheLayout layout;

  public CacheBundleWriter(VendorCacheLayout layout) {
    this.layout = layout;
  }

  /** What was written. */
  public record Result(int blobs, long bytes) {}

  public Result write(List<CacheArtifact> artifacts, Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new BundleException("cannot write " + file + ": its directory does not exist");
    }
    Path temp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Result result;
      try (OutputStream raw = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
           TarArchiveOutputStream tar = new TarArchiveOutputStream(new BufferedOutputStream(raw, BUFFER))) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        result = writeLayout(tar, artifacts);
        tar.finish();
      }
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return result;
    } catch (IOException e) {
      throw new BundleException("cannot write " + file + ": " + reason(e) + "; check free space and permissions", e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // nothing more to do; the temporary name starts with a dot
      }
    }
  }

  private Result writeLayout(TarArchiveOutputStream tar, List<CacheArtifact> artifacts) throws IOException {
    List<Descriptor> roots = new ArrayList<>();
    Map<Sha256, byte[]> manifests = new LinkedHashMap<>();
    Map<Sha256, Descriptor> blobs = new java.util.TreeMap<>();
    for (CacheArtifact artifact : artifacts) {
      Descriptor manifest = artifact.descriptor();
      roots.add(manifest.withAnnotations(Map.of(OciLayout.REF_NAME, artifact.tag())));
      manifests.put(manifest.digest(), artifact.bytes());
      artifact.blobs().forEach(b -> blobs.putIfAbsent(b.digest(), b));
    }
    directory(tar, "blobs/");
    directory(tar, "blobs/sha256/");
    small(tar, OciLayout.LAYOUT_FILE, OciLayout.layoutFile());
    small(tar, OciLayout.INDEX_FILE, OciLayout.indexJson(roots));
    small(tar, "blobs/sha256/" + CacheArtifact.EMPTY_CONFIG_DESCRIPTOR.digest().hex(), CacheArtifact.EMPTY_CONFIG);
    for (Map.Entry<Sha256, byte[]> manifest : manifests.entrySet()) {
      small(tar, "blobs/sha256/" + manifest.getKey().hex(), manifest.getValue());
    }
    long bytes = 0;
    for (Descriptor blob : blobs.values()) {
      if (blob.digest().equals(CacheArtifact.EMPTY_CONFIG_DESCRIPTOR.digest())) {
        continue;
      }
      copyBlob(tar, blob);
      bytes += blob.size();
    }
    return new Result(blobs.size(), bytes);
  }

  private void copyBlob(TarArchiveOutputStream tar, Descriptor blob) throws IOException {
    Path source = layout.blob(blob.digest());
    tar.putArchiveEntry(entry("blobs/sha256/" + blob.digest().hex(), blob.size()));
    MessageDigest sha256 = dev.sealbuild.formats.digest.Sha256Hasher.newMessageDigest();
    long total = 0;
    try (InputStream in = Files.newInputStream(source)) {
      byte[] buffer = new byte[BUFFER];
      for (int n; total < blob.size() && (n = in.read(buffer, 0, (int) Math.min(buffer.length, blob.size() - total))) >= 0; ) {
        sha256.update(buffer, 0, n);
        tar.write(buffer, 0, n);
        total += n;
      }
    }
    if (total != blob.size() || !Sha256.of(sha256.digest()).equals(blob.digest())) {
      throw new BundleException("the cached blob " + source + " does not hash to its name (or changed size while it was"
          + " read): the cache is damaged; run build cache verify --delete, then build prep");
    }
    tar.closeArchiveEntry();
  }

  private static void small(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
    tar.putArchiveEntry(entry(name, bytes.length));
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    fixed(entry, 0755);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  private static TarArchiveEntry entry(String name, long size) {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(size);
    fixed(entry, 0644);
    return entry;
  }

  private static void fixed(TarArchiveEntry entry, int mode) {
    entry.setMode((entry.isDirectory() ? 040000 : 0100000) | mode);
    entry.setModTime(0);
    entry.setIds(0, 0);
    entry.setUserName("");
    entry.setGroupName("");
  }

  private static String reason(IOException e) {
    String text = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason()
        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return text.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
