package dev.sealbuild.cli.it;

import dev.sealbuild.testsupport.deb.TestPgp;
import dev.sealbuild.testsupport.deb.SyntheticRepository;
import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.deb.SyntheticRepository;
import dev.sealbuild.testsupport.deb.TestPgp;
import dev.sealbuild.testsupport.http.ForwardProxy;
import dev.sealbuild.testsupport.registry.LocalRegistry;
import dev.sealbuild.testsupport.registry.TestImages;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every request {@code build lock} makes goes through the proxy the environment names: a signed Debian repository,
 * a pinned file and a registry base image, all on 127.0.0.1 (which the proxy variables must not exempt), behind a
 * small forward proxy that records what it forwards. Each origin's own log must be exactly what the proxy forwarded.
 */
class ProxyIT {
  private static final Pattern REGISTRY_REQUEST = Pattern.compile("\"([A-Z]+) (\\S+) HTTP/1\\.1\" \\d+ \\S+ \"[^\"]*\" \"sealbuild\"");

  @TempDir static Path work;
  static ForwardProxy proxy;
  static SyntheticRepository debian;
  static LocalHttpServer files;
  static LocalRegistry registry;

  @BeforeAll
  static void setUp() throws Exception {
    LocalRegistry.requireTools();
    proxy = new ForwardProxy();
    TestPgp.Key key = TestPgp.newKey("Synthetic Archive <archive@example.org>");
    debian = new SyntheticRepository(SyntheticRepository.Spec.simple("stable"), key, List.of(
        SyntheticRepository.pkg("hello", "2.10-3", "Depends: libc6 (>= 2.34)\n"),
        SyntheticRepository.pkg("libc6", "2.36-9", "")));
    Path served = Files.createDirectories(work.resolve("served"));
    Files.writeString(served.resolve("motd"), "through the proxy\n");
    files = new LocalHttpServer(served);
    registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")), null);
    registry.push(TestImages.write(work.resolve("seed")).source("multi"), "alpine:3.20", true, null);
    Files.write(Files.createDirectories(work.resolve("debian")).resolve("synthetic.gpg"), key.keyringBytes());
    Files.writeString(work.resolve("debian/build.yaml"), """
        name: proxied-debian
        repositories:
          - {name: synthetic, type: debian, suite: stable, url: '%s', keyring: synthetic.gpg}
        packages: [hello]
        files:
          - {url: '%s', dest: /etc/motd}
        """.formatted(debian.base(), files.url("motd")));
    Files.writeString(Files.createDirectories(work.resolve("base")).resolve("build.yaml"), """
        name: proxied-base
        base:
          image: %s/alpine:3.20
        platforms: [linux/amd64, linux/arm64]
        """.formatted(registry.host()));
  }

  @AfterAll
  static void tearDown() {
    for (AutoCloseable closeable : new AutoCloseable[] {proxy, debian, files, registry}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // the next one still closes
      }
    }
  }

  /** sealbuild with both proxy variables (in both cases) set to {@code proxyUrl} and nothing exempted. */
  private static Sealbuild sealbuild(Path project, String proxyUrl) {
    return new Sealbuild(project).env("SEALBUILD_CACHE", work.resolve("cache").toString())
        .env("HTTP_PROXY", proxyUrl).env("http_proxy", proxyUrl).env("HTTPS_PROXY", proxyUrl).env("https_proxy", proxyUrl)
        .env("NO_PROXY", "").env("no_proxy", "").env("SEALBUILD_HTTP_ATTEMPTS", "2");
  }

  /** The proxy's forwarded requests to {@code origin} ({@code http://host:port}), as {@code METHOD /path}. */
  private static List<String> forwardedTo(URI origin, List<String> forwarded) {
    String prefix = origin.getScheme() + "://" + origin.getRawAuthority();
    List<String> paths = new ArrayList<>();
    for (String line : forwarded) {
      String[] parts = line.split(" ", 2);
      if (parts[1].startsWith(prefix + "/")) {
        paths.add(parts[0] + " " + parts[1].substring(prefix.length()));
      }
    }
    return paths;
  }

  private static List<String> sorted(List<String> lines) {
    return lines.stream().sorted().toList();
  }

  @Test
  void debianLockFetchesRepositoryAndFilesThroughTheProxy() throws Exception {
    List<String> before = proxy.requests();
    List<String> repositoryBefore = debian.requests();
    files.clearRequests();

    ok(sealbuild(work.resolve("debian"), proxy.url()).run("lock"));

    List<String> forwarded = proxy.requests().subList(before.size(), proxy.requests().size());
    List<String> repositoryServed = debian.requests().subList(repositoryBefore.size(), debian.requests().size());
    assertTrue(forwarded.contains("GET " + debian.base() + "dists/stable/InRelease"), forwarded.toString());
    assertTrue(forwarded.stream().anyMatch(r -> r.startsWith("GET " + debian.base() + "dists/stable/main/binary-amd64/")),
        forwarded.toString());
    assertTrue(forwarded.contains("GET " + files.url("motd")), forwarded.toString());
    assertEquals(sorted(repositoryServed), sorted(forwardedTo(debian.base(), forwarded)),
        "the repository served exactly what the proxy forwarded");
    assertEquals(sorted(files.requests()), sorted(forwardedTo(files.url("motd"), forwarded).stream()
        .map(r -> r.substring("GET ".length())).toList()), "the file server too");
    assertEquals(forwarded.size(), repositoryServed.size() + files.requests().size(), "nothing else was asked for");
  }

  @Test
  void baseImageLockResolvesManifestsAndConfigsThroughTheProxy() throws Exception {
    List<String> before = proxy.requests();
    int logBefore = registry.log().length();

    ok(sealbuild(work.resolve("base"), proxy.url()).run("lock"));

    List<String> forwarded = proxy.requests().subList(before.size(), proxy.requests().size());
    List<String> served = new ArrayList<>();
    Matcher m = REGISTRY_REQUEST.matcher(registry.log().substring(logBefore));
    while (m.find()) {
      served.add(m.group(1) + " " + m.group(2));
    }
    URI origin = URI.create("http://" + registry.host());
    assertTrue(served.stream().anyMatch(r -> r.startsWith("GET /v2/alpine/manifests/3.20")), served.toString());
    assertTrue(served.stream().anyMatch(r -> r.startsWith("GET /v2/alpine/blobs/sha256:")), served.toString());
    assertEquals(sorted(served), sorted(forwardedTo(origin, forwarded)),
        "the registry served exactly what the proxy forwarded");
    assertEquals(forwarded.size(), served.size(), "nothing else was asked for");
  }

  @Test
  void withTheProxyDownTheLockFailsNamingIt() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    Path project = Files.createDirectories(work.resolve("down"));
    Files.writeString(project.resolve("build.yaml"), """
        name: proxied-debian
        repositories:
          - {name: synthetic, type: debian, suite: stable, url: '%s', keyring: synthetic.gpg}
        packages: [hello]
        """.formatted(debian.base()));
    Files.copy(work.resolve("debian/synthetic.gpg"), project.resolve("synthetic.gpg"));
    int servedBefore = debian.requests().size();

    Sealbuild.Result result = sealbuild(project, "http://127.0.0.1:" + closedPort).run("lock");

    assertEquals(1, result.exit(), result.toString());
    String expected = "cannot fetch " + debian.base() + "dists/stable/InRelease for repository 'synthetic': connection"
        + " refused by proxy 127.0.0.1:" + closedPort + " (from http_proxy) (tried 2 times); check http_proxy and"
        + " NO_PROXY, and that the proxy is running";
    assertTrue(result.stderr().contains(expected), result.toString());
    assertFalse(result.stderr().contains("\tat "), "one line, no stack trace: " + result.stderr());
    assertEquals(servedBefore, debian.requests().size(), "nothing went around the proxy");
    assertFalse(Files.exists(project.resolve("build.lock.json")));
  }
}
