package dev.sealbuild.builder.deb;

import dev.sealbuild.builder.source.BuildContext;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.layer.LayerWriter;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.testsupport.deb.DebFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.function.Executable;

/**
 * A vendor cache in a scratch directory holding generated .debs, and an image tree to install them into
 * with the real {@link DebianPackagesSource}; the layer is written by {@link LayerWriter} and read back.
 */
final class PackageFixture implements AutoCloseable {
  static final long EPOCH = 1_700_000_000L;
  final Path work;
  final VendorCacheLayout cache;
  final ContentSpool spool;
  final ImageTree tree;
  private int layersWritten;

  /** One entry of a layer as read back from the written tar.gz, with its bytes. */
  record LayerEntry(TarArchiveEntry header, byte[] content) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  PackageFixture(Path work) throws IOException {
    this.work = work;
    this.cache = new VendorCacheLayout(work.resolve("cache"));
    Files.createDirectories(cache.blobsDir());
    Path scratch = Files.createDirectories(work.resolve("scratch"));
    this.spool = new ContentSpool(scratch);
    this.tree = new ImageTree("test base", EPOCH, 100_000);
  }

  /** Puts the built .deb into the vendor cache and pins it as build lock would. */
  LockedPackage cache(DebFile deb) throws IOException {
    return cache(deb.name(), deb.version(), deb.build());
  }

  LockedPackage cache(String name, String version, byte[] deb) throws IOException {
    Sha256 digest = Sha256.hash(deb);
    Files.write(cache.blob(digest), deb);
    return locked(name, version, digest, deb.length);
  }

  static LockedPackage locked(String name, String version, Sha256 digest, long size) {
    return new LockedPackage("deb", name, version, "amd64", "debian", "pool/main/" + digest.hex() + ".deb",
        digest, size, null, List.of(Platform.LINUX_AMD64));
  }

  DebianPackagesSource source(List<LockedPackage> packages) {
    return new DebianPackagesSource(packages,
        new BuildContext(new CacheReader(cache), spool, EPOCH, DecompressionLimits.DEFAULT, null));
  }

  void install(LockedPackage... packages) throws IOException {
    source(List.of(packages)).addTo(tree);
  }

  Node node(String path) {
    return tree.lookup(EntryPath.parse(path));
  }

  String text(String path) throws IOException {
    Node n = node(path);
    if (!(n instanceof Node.RegularFile f)) {
      fail(path + " is not a regular file in the image: " + n);
      return null;
    }
    // Exact-size reads: the spool's reader fails on zero-byte reads, which readAllBytes makes (see SpoolReadTest).
    byte[] bytes = new byte[(int) f.content().size()];
    try (InputStream in = f.content().open()) {
      for (int off = 0, got; off < bytes.length; off += got) {
        got = in.read(bytes, off, bytes.length - off);
        if (got < 0) {
          fail(path + " ends early");
        }
      }
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The current layer, written as the image would carry it and read back: name -> entry, in stream order. */
  Map<String, LayerEntry> layer() throws IOException {
    Path file = work.resolve("layer" + (layersWritten++) + ".tar.gz");
    new LayerWriter(EPOCH).write(tree.currentLayer(), tree, file, "test");
    Map<String, LayerEntry> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(file)), "UTF-8")) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        entries.put(e.getName(), new LayerEntry(e, in.readAllBytes()));
      }
    }
    return entries;
  }

  /** See {@link dev.sealbuild.builder.testing.Refusals#refused}. */
  static String refused(Executable action, String... mustContain) {
    String message = dev.sealbuild.builder.testing.Refusals.refused(action, mustContain);
    assertFalse(message.contains("null"), "message must say what went wrong: " + message);
    return message;
  }

  @Override
  public void close() throws IOException {
    spool.close();
  }
}
