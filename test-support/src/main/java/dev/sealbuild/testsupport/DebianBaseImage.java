package dev.sealbuild.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian base for tests, made as official Debian images are: {@code mmdebstrap --variant=minbase SUITE} from the
 * Debian mirror this host's apt uses (read at run time, never written down), with {@code SOURCE_DATE_EPOCH} fixed. It
 * has {@code /var/lib/dpkg/status}, {@code /etc/os-release} and apt sources naming that mirror. The tarball is kept in
 * the fixture download cache under a name derived from its inputs (suite, variant, mirror, epoch), so a suite builds
 * it once; {@link #writeOciLayout} makes a one-layer image of it for a test registry.
 */
public final class DebianBaseImage {
  public static final long EPOCH = 1_700_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private DebianBaseImage() {}

  /** The cached root filesystem tarball of {@code suite} (e.g. bookworm), made now if it is not cached yet. */
  public static synchronized Path rootfs(String suite) throws IOException, InterruptedException {
    Requirements.requireTools("mmdebstrap", "gpgv");
    Requirements.require(isRoot() || Requirements.onPath("newuidmap"),
        "mmdebstrap needs root or newuidmap (apt-get install uidmap) to make a Debian base");
    String mirror = new HostDebianMirror(Path.of("/etc/apt")).baseUrl().orElse(null);
    Requirements.require(mirror != null, "this host's apt sources name no Debian mirror (a deb URL ending in /debian)");
    String key = Sha256.hash(String.join("\n", "mmdebstrap", "minbase", suite, mirror, Long.toString(EPOCH))
        .getBytes(StandardCharsets.UTF_8)).hex().substring(0, 16);
    Path dir = Files.createDirectories(FixtureLoader.defaultCache().resolve("debian-base"));
    Path tar = dir.resolve(suite + "-minbase-" + key + ".tar");
    if (Files.isRegularFile(tar)) {
      return tar;
    }
    Path partial = Files.createTempFile(dir, suite + "-", ".tar.partial");
    try {
      List<String> command = new ArrayList<>(List.of("mmdebstrap", "--variant=minbase", "--quiet",
          "--mode=" + (isRoot() ? "root" : "unshare"), "--aptopt=Apt::Key::gpgvcommand \"/usr/bin/gpgv\"",
          "--format=tar", suite, partial.toString(), "deb " + mirror + " " + suite + " main"));
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve(suite + "-" + key + ".log").toFile());
      pb.environment().put("SOURCE_DATE_EPOCH", Long.toString(EPOCH));
      Process p = pb.start();
      if (!p.waitFor(20, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("mmdebstrap " + suite + " did not finish in 20 minutes");
      }
      if (p.exitValue() != 0) {
        throw new IOException("mmdebstrap " + suite + " failed (exit " + p.exitValue() + "); see "
            + dir.resolve(suite + "-" + key + ".log"));
      }
      Files.setPosixFilePermissions(partial, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(partial, tar, StandardCopyOption.ATOMIC_MOVE);
      return tar;
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /**
   * Writes an OCI image layout at {@code layout} holding one linux/amd64 image tagged {@code tag} whose only layer is
   * {@code rootfs} (uncompressed); returns its skopeo source name ({@code oci:LAYOUT:TAG}).
   */
  public static String writeOciLayout(Path rootfs, Path layout, String tag) throws IOException {
    Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Sha256 layerDigest;
    try (InputStream in = Files.newInputStream(rootfs)) {
      layerDigest = Sha256.hash(in);
    }
    Path layerBlob = blobs.resolve(layerDigest.hex());
    if (!Files.exists(layerBlob)) {
      Files.copy(rootfs, layerBlob);
    }
    ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
    config.putObject("config").putArray("Env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(layerDigest.toString());
    ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2)
        .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    manifest.set("config", blob(blobs, "application/vnd.oci.image.config.v1+json", JSON.writeValueAsBytes(config)));
    manifest.putArray("layers").addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar")
        .put("digest", layerDigest.toString()).put("size", Files.size(rootfs));
    ObjectNode descriptor = blob(blobs, "application/vnd.oci.image.manifest.v1+json", JSON.writeValueAsBytes(manifest));
    descriptor.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
    ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
    index.putArray("manifests").add(descriptor);
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
    return "oci:" + layout + ":" + tag;
  }

  private static ObjectNode blob(Path blobs, String mediaType, byte[] bytes) throws IOException {
    Sha256 digest = Sha256.hash(bytes);
    Files.write(blobs.resolve(digest.hex()), bytes);
    return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest.toString()).put("size", bytes.length);
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
