package dev.sealbuild.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader's places, in order, with a small manifest of generated files served by a local HTTP server. */
class FixtureLoaderTest {
  private static final byte[] KEY = "a public key\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] WORLD = "busybox\nmusl\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path work;
  private Path override;
  private Path shared;
  private Path cache;
  private Path upstream;
  private byte[] rootfs;
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private FixtureManifest manifest;

  @BeforeEach
  void setUp() throws IOException {
    override = Files.createDirectories(work.resolve("override"));
    shared = Files.createDirectories(work.resolve("shared/fixtures"));
    cache = work.resolve("home/.cache/sealbuild/test-fixtures");
    upstream = Files.createDirectories(work.resolve("upstream"));
    rootfs = tarGz("./etc/apk/world", WORLD);
    Files.write(upstream.resolve("key.pub"), KEY);
    Files.write(upstream.resolve("rootfs.tar.gz"), rootfs);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestURI().getPath());
      Path file = work.resolve(exchange.getRequestURI().getPath().substring(1));
      if (!Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        byte[] body = Files.readAllBytes(file);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
      exchange.close();
    });
    server.start();
    manifest = FixtureManifest.parse(String.join("\n",
        "# test manifest",
        line("a/keys/key.pub", KEY, base() + "upstream/key.pub"),
        line("a/rootfs.tar.gz", rootfs, base() + "upstream/rootfs.tar.gz"),
        line("a/db/world", WORLD, "a/rootfs.tar.gz!./etc/apk/world")));
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private FixtureLoader loader(String overrideValue) {
    return new FixtureLoader(manifest, overrideValue, shared, cache);
  }

  @Test
  void theOverrideDirectoryComesFirstThenSharedThenTheCache() throws IOException {
    for (Path dir : List.of(override, shared, cache)) {
      Files.createDirectories(dir.resolve("a/keys"));
      Files.write(dir.resolve("a/keys/key.pub"), KEY);
    }
    assertEquals(override.resolve("a/keys/key.pub"), loader(override.toString()).locate("a/keys/key.pub"));
    assertEquals(shared.resolve("a/keys/key.pub"), loader(null).locate("a/keys/key.pub"));
    Files.delete(shared.resolve("a/keys/key.pub"));
    assertEquals(cache.resolve("a/keys/key.pub"), loader(null).locate("a/keys/key.pub"));
    assertEquals(List.of(), requests, "nothing is downloaded while a local place has the file");
  }

  @Test
  void aBaseUrlIsLaidOutLikeSharedFixturesAndItsDownloadLandsInTheCache() throws IOException {
    Files.createDirectories(work.resolve("mirror/a/keys"));
    Files.write(work.resolve("mirror/a/keys/key.pub"), KEY);
    Path found = loader(base() + "mirror").locate("a/keys/key.pub");
    assertEquals(cache.resolve("a/keys/key.pub"), found);
    assertArrayEquals(KEY, Files.readAllBytes(found));
    assertEquals(List.of("/mirror/a/keys/key.pub"), requests);
    assertNoPartialFiles();
  }

  @Test
  void lastTheUpstreamUrlIsDownloadedIntoTheCache() throws IOException {
    Path found = loader(null).locate("a/keys/key.pub");
    assertEquals(cache.resolve("a/keys/key.pub"), found);
    assertArrayEquals(KEY, Files.readAllBytes(found));
    assertEquals(List.of("/upstream/key.pub"), requests);
    assertEquals(found, loader(null).locate("a/keys/key.pub"));
    assertEquals(1, requests.size(), "the second time it comes from the cache");
  }

  @Test
  void anExtractedFileIsDerivedFromTheFixtureItCameFrom() throws IOException {
    Path found = loader(null).locate("a/db/world");
    assertArrayEquals(WORLD, Files.readAllBytes(found));
    assertEquals(cache.resolve("a/db/world"), found);
    assertEquals(List.of("/upstream/rootfs.tar.gz"), requests);
    assertNoPartialFiles();
  }

  @Test
  void aDebianMirrorPathIsFetchedFromTheMirrorTheHostsAptSourcesName() throws IOException {
    Path apt = Files.createDirectories(work.resolve("etc-apt/sources.list.d"));
    Files.writeString(apt.resolve("other.sources"), "Types: deb\nURIs: " + base() + "elsewhere\nSuites: x\nComponents: main\n");
    Files.writeString(apt.resolve("debian.sources"), "Types: deb-src\nURIs: " + base() + "src/debian\nSuites: bookworm\n\n"
        + "Types: deb\nURIs: " + base() + "archive/debian/\nSuites: bookworm\nComponents: main\n");
    Files.createDirectories(work.resolve("archive/debian/pool/main/k"));
    Files.write(work.resolve("archive/debian/pool/main/k/key.pub"), KEY);
    FixtureManifest mirrored = FixtureManifest.parse(line("d/key.pub", KEY, "debian-mirror:pool/main/k/key.pub"));
    Path found = new FixtureLoader(mirrored, null, shared, cache, work.resolve("etc-apt")).locate("d/key.pub");
    assertEquals(cache.resolve("d/key.pub"), found);
    assertEquals(List.of("/archive/debian/pool/main/k/key.pub"), requests);

    FixtureManifest missing = FixtureManifest.parse(line("d/other.pub", KEY, "debian-mirror:pool/main/k/other.pub"));
    FixtureUnavailableException e = assertThrows(FixtureUnavailableException.class,
        () -> new FixtureLoader(missing, null, shared, cache, work.resolve("no-apt")).locate("d/other.pub"));
    assertTrue(e.getMessage().contains("debian-mirror:pool/main/k/other.pub (this host's apt sources list no Debian mirror)"),
        e.getMessage());
  }

  @Test
  void aWrongSha256IsRefusedNamingThePlace() throws IOException {
    Files.createDirectories(shared.resolve("a/keys"));
    Files.writeString(shared.resolve("a/keys/key.pub"), "a public kez\n");
    FixtureRefusedException e = assertThrows(FixtureRefusedException.class, () -> loader(null).locate("a/keys/key.pub"));
    assertTrue(e.getMessage().contains("../shared/fixtures (" + shared.resolve("a/keys/key.pub") + ")"), e.getMessage());
    assertTrue(e.getMessage().contains(sha256(KEY)), e.getMessage());

    Files.write(upstream.resolve("key.pub"), "tampered\n".getBytes(StandardCharsets.UTF_8));
    Files.delete(shared.resolve("a/keys/key.pub"));
    e = assertThrows(FixtureRefusedException.class, () -> loader(null).locate("a/keys/key.pub"));
    assertTrue(e.getMessage().contains("upstream " + base() + "upstream/key.pub"), e.getMessage());
    assertTrue(!Files.exists(cache.resolve("a/keys/key.pub")), "a refused download is not cached");
    assertNoPartialFiles();
  }

  @Test
  void aFixtureNoPlaceHasIsOneLineNamingTheFileAndTheFourPlaces() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    server.stop(0);
    String dead = "http://127.0.0.1:" + closed + "/";
    FixtureUnavailableException e = assertThrows(FixtureUnavailableException.class,
        () -> loader(dead).locate("a/keys/key.pub"));
    String message = e.getMessage();
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.startsWith("fixture a/keys/key.pub is in none of: "), message);
    assertTrue(message.contains("SEALBUILD_TEST_FIXTURES " + dead + "a/keys/key.pub (cannot connect)"), message);
    assertTrue(message.contains(shared.resolve("a/keys/key.pub") + " (no such file)"), message);
    assertTrue(message.contains(cache.resolve("a/keys/key.pub") + " (not cached)"), message);
    assertTrue(message.contains("upstream " + base() + "upstream/key.pub (cannot connect)"), message);
  }

  @Test
  void aDirectoryOfFixturesIsGatheredWhereverEachWasFound() throws IOException {
    Path dir = loader(null).directory("a/keys");
    assertEquals(cache.resolve("a/keys"), dir);
    assertArrayEquals(KEY, Files.readAllBytes(dir.resolve("key.pub")));
  }

  @Test
  void theCommittedManifestListsEveryFixtureOnceWithASource() {
    FixtureManifest committed = FixtureManifest.committed();
    assertTrue(committed.entries().size() >= 20, "the Alpine fixtures are listed");
    for (FixtureManifest.Entry entry : committed.entries()) {
      assertTrue(entry.derived() ? committed.find(entry.parent()).isPresent()
          : entry.source().startsWith("https://") || entry.onDebianMirror() && entry.mirrorPath().startsWith("pool/main/"),
          entry.toString());
    }
  }

  private void assertNoPartialFiles() throws IOException {
    if (Files.isDirectory(cache)) {
      try (Stream<Path> files = Files.walk(cache)) {
        assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".part")).toList());
      }
    }
  }

  private static String line(String path, byte[] content, String source) {
    return path + "\t" + content.length + "\t" + sha256(content) + "\t" + source;
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] tarGz(String member, byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      TarArchiveEntry dir = new TarArchiveEntry("./etc/");
      tar.putArchiveEntry(dir);
      tar.closeArchiveEntry();
      TarArchiveEntry entry = new TarArchiveEntry(member);
      entry.setSize(content.length);
      tar.putArchiveEntry(entry);
      tar.write(content);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }
}
