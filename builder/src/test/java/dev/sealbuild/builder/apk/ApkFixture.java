package dev.sealbuild.builder.apk;

import dev.sealbuild.builder.source.BuildContext;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.LayerTree;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.layer.LayerWriter;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.apk.TestApk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.function.Executable;

/**
 * A vendor cache in a scratch directory, an image tree (optionally on the real Alpine 3.20.3 minirootfs)
 * to install packages into with the real {@link ApkPackagesSource}, and the means to write the layers,
 * extract them with GNU tar and run the real apk on the result in a chroot.
 */
final class ApkFixture implements AutoCloseable {
  static final long EPOCH = 1_750_000_000L;
  static final String MINIROOTFS = "alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz";
  final Path work;
  final VendorCacheLayout cache;
  final ContentSpool spool;
  final ImageTree tree;
  final List<LockedRepository> repositories = new ArrayList<>();

  /** Output of a command. */
  record Run(int exitCode, String stdout, String stderr) {}

  ApkFixture(Path work) throws IOException {
    this.work = work;
    this.cache = new VendorCacheLayout(work.resolve("cache"));
    Files.createDirectories(cache.blobsDir());
    this.spool = new ContentSpool(Files.createDirectories(work.resolve("scratch")));
    this.tree = new ImageTree("base", EPOCH, 1_000_000);
  }

  /** The real Alpine 3.20.3 minirootfs as the base layer; a new layer is started on top of it. */
  void minirootfsBase() throws IOException {
    Path tarball = Fixtures.file(MINIROOTFS);
    try (InputStream in = Files.newInputStream(tarball)) {
      InputStream tar = new Decompressors(DecompressionLimits.DEFAULT).tarStream(in, ArchiveFormat.TAR_GZIP, "minirootfs");
      new TarIngest(spool).ingest(tar, tree, IngestPolicy.rootfs(EPOCH, "minirootfs"));
    }
    tree.startLayer("packages");
  }

  LockedPackage cache(String name, String version, byte[] apk, String checksum) throws IOException {
    Sha256 digest = Sha256.hash(apk);
    Files.write(cache.blob(digest), apk);
    return new LockedPackage("apk", name, version, "x86_64", "main", name + "-" + version + ".apk", digest, apk.length,
        checksum, List.of(Platform.LINUX_AMD64));
  }

  LockedPackage cache(TestApk.Built apk) throws IOException {
    return cache(apk.name(), apk.version(), apk.bytes(), apk.checksum());
  }

  ApkPackagesSource source(List<LockedPackage> packages, List<String> world) {
    return new ApkPackagesSource(packages, repositories, List.of("https://alpine.invalid/v3.20/main"), world, "x86_64",
        new BuildContext(new CacheReader(cache), spool, EPOCH, DecompressionLimits.DEFAULT, null));
  }

  /** As {@link #source}, also removing {@code removed} from the base; with no packages, no arch is written. */
  ApkPackagesSource source(List<LockedPackage> packages, List<String> world,
      List<dev.sealbuild.lockfiles.lock.RemovedPackage> removed) {
    return new ApkPackagesSource(packages, repositories, List.of("https://alpine.invalid/v3.20/main"), world,
        packages.isEmpty() ? null : "x86_64", new BuildContext(new CacheReader(cache), spool, EPOCH, DecompressionLimits.DEFAULT,
            null), removed);
  }

  void install(LockedPackage... packages) throws IOException {
    source(List.of(packages), List.of(packages).stream().map(LockedPackage::name).toList()).addTo(tree);
  }

  Node node(String path) {
    return tree.lookup(EntryPath.parse(path));
  }

  String text(String path) throws IOException {
    String text = ImageFiles.read(tree, EntryPath.parse(path), 64 << 20);
    if (text == null) {
      fail(path + " is not a regular file in the image: " + node(path));
    }
    return text;
  }

  /** Writes every layer with the real LayerWriter and extracts them in order with GNU tar into a new root. */
  Path extractLayers() throws IOException, InterruptedException {
    Requirements.require(isRoot(), "extracting layers with their owners and running apk in a chroot needs root");
    Path root = Files.createDirectories(work.resolve("root"));
    int i = 0;
    for (LayerTree layer : tree.layers()) {
      Path file = work.resolve("layer" + (i++) + ".tar.gz");
      new LayerWriter(EPOCH).write(layer, tree, file, "test");
      Run tar = run(List.of("tar", "-xzpf", file.toString(), "-C", root.toString(), "--numeric-owner"));
      if (tar.exitCode() != 0) {
        fail("tar could not extract " + file + ": " + tar.stderr());
      }
    }
    return root;
  }

  /** Runs a program of the image in a chroot with no network. */
  static Run chroot(Path root, String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("unshare", "-n", "chroot", root.toString()));
    full.addAll(List.of(command));
    return run(full);
  }

  static Run run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("apk-test-", ".out");
    Path err = Files.createTempFile("apk-test-", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
      Process p = builder.start();
      p.getOutputStream().close();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + command);
      }
      return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Skips (fails in CI) unless this machine can run the x86_64 minirootfs's programs in a chroot as root. */
  static void requireChroot() throws IOException, InterruptedException {
    Requirements.require("amd64".equals(System.getProperty("os.arch")), "the x86_64 minirootfs runs on x86_64 only");
    Requirements.require(isRoot(), "running apk in a chroot needs root");
  }

  static boolean isRoot() {
    try {
      Run id = run(List.of("id", "-u"));
      return id.exitCode() == 0 && id.stdout().strip().equals("0");
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** See {@link dev.sealbuild.builder.testing.Refusals#refused}. */
  static String refused(Executable action, String... mustContain) {
    String message = dev.sealbuild.builder.testing.Refusals.refused(action, mustContain);
    assertFalse(message.contains("null"), "message must say what went wrong: " + message);
    return message;
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    spool.close();
  }
}
