package dev.sealbuild.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Finds a third-party test fixture listed in {@link FixtureManifest}, verified by size and sha256, in this order:
 * <ol>
 *   <li>the directory or {@code http(s)://} base URL in {@code SEALBUILD_TEST_FIXTURES}, laid out like
 *       {@code ../shared/fixtures} (a download lands in the cache);</li>
 *   <li>{@code ../shared/fixtures} beside the repository root;</li>
 *   <li>the download cache {@code ~/.cache/sealbuild/test-fixtures};</li>
 *   <li>its upstream URL (downloaded into the cache), for a {@code debian-mirror:PATH} source that path on the Debian
 *       mirror this host's apt sources name, or for a file extracted from another fixture, that fixture.</li>
 * </ol>
 * A file with the wrong size or sha256 is refused ({@link FixtureRefusedException}) naming the place; a fixture
 * no place has is {@link FixtureUnavailableException}, one line naming the file and the four places.
 * Cache writes are atomic: a temporary file in the same directory, verified, then moved into place.
 */
public final class FixtureLoader {
  public static final String ENV = "SEALBUILD_TEST_FIXTURES";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(5);

  private final FixtureManifest manifest;
  private final String override;
  private final Path shared;
  private final Path cache;
  private final HttpClient http;
  private final HostDebianMirror debianMirror;

  /**
   * @param override the value of {@code SEALBUILD_TEST_FIXTURES} (a directory or base URL), or null when unset
   * @param shared {@code ../shared/fixtures} beside the repository root, or null when the root is unknown
   * @param cache the download cache directory
   */
  public FixtureLoader(FixtureManifest manifest, String override, Path shared, Path cache) {
    this(manifest, override, shared, cache, Path.of("/etc/apt"));
  }

  /** As above; {@code aptConfig} is where {@code debian-mirror:} sources find the host's apt sources. */
  public FixtureLoader(FixtureManifest manifest, String override, Path shared, Path cache, Path aptConfig) {
    this.debianMirror = new HostDebianMirror(aptConfig);
    this.manifest = manifest;
    this.override = override == null || override.isBlank() ? null : override;
    this.shared = shared;
    this.cache = cache;
    this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(CONNECT_TIMEOUT)
        .proxy(ProxySelector.getDefault()).build();
  }

  /** The committed manifest, {@code SEALBUILD_TEST_FIXTURES}, the repository of the working directory, {@code $HOME}. */
  public static FixtureLoader fromEnvironment() {
    Path root = repositoryRoot();
    Path shared = root == null ? null : root.resolve("../shared/fixtures").normalize();
    return new FixtureLoader(FixtureManifest.committed(), System.getenv(ENV), shared, defaultCache());
  }

  /** {@code -Dsealbuild.root} (the build sets it), else the nearest directory above this one holding test-support. */
  static Path repositoryRoot() {
    String property = System.getProperty("sealbuild.root");
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("test-support/pom.xml"))) {
        return dir;
      }
    }
    return null;
  }

  static Path defaultCache() {
    String home = System.getenv("HOME");
    Path base = Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
    return base.resolve(".cache/sealbuild/test-fixtures");
  }

  /** The verified fixture {@code path} (e.g. {@code alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz}). */
  public Path locate(String path) {
    FixtureManifest.Entry entry = manifest.find(path).orElseThrow(() -> new IllegalArgumentException(
        "fixture " + path + " is not in fixtures.tsv: add its path, size, sha256 and upstream URL there"));
    List<String> tried = new ArrayList<>();

    if (override == null) {
      tried.add(ENV + " (not set)");
    } else if (isUrl(override)) {
      String url = (override.endsWith("/") ? override : override + "/") + path;
      try {
        return download(url, entry, ENV + " " + url);
      } catch (IOException e) {
        tried.add(ENV + " " + url + " (" + describe(e) + ")");
      }
    } else {
      Path file = Path.of(override).resolve(path);
      if (Files.isRegularFile(file)) {
        return verified(file, entry, ENV + " directory");
      }
      tried.add(ENV + " " + file + " (no such file)");
    }

    if (shared == null) {
      tried.add("../shared/fixtures (repository root not found; set -Dsealbuild.root)");
    } else {
      Path file = shared.resolve(path);
      if (Files.isRegularFile(file)) {
        return verified(file, entry, "../shared/fixtures");
      }
      tried.add(file + " (no such file)");
    }

    Path cached = cache.resolve(path);
    if (Files.isRegularFile(cached)) {
      return verified(cached, entry, "the download cache");
    }
    tried.add(cached + " (not cached)");

    if (entry.derived()) {
      try {
        return extract(locate(entry.parent()), entry);
      } catch (FixtureUnavailableException e) {
        tried.add("member " + entry.member() + " of fixture " + entry.parent() + " (which is unavailable too)");
      } catch (IOException e) {
        tried.add("member " + entry.member() + " of fixture " + entry.parent() + " (" + describe(e) + ")");
      }
    } else if (entry.onDebianMirror()) {
      try {
        String base = debianMirror.baseUrl().orElseThrow(() -> new IOException("this host's apt sources list no Debian mirror"));
        return download(base + "/" + entry.mirrorPath(), entry, "the host's Debian mirror " + entry.source());
      } catch (IOException e) {
        tried.add("the host's Debian mirror, " + entry.source() + " (" + describe(e) + ")");
      }
    } else {
      try {
        return download(entry.source(), entry, "upstream " + entry.source());
      } catch (IOException e) {
        tried.add("upstream " + entry.source() + " (" + describe(e) + ")");
      }
    }
    throw new FixtureUnavailableException("fixture " + path + " is in none of: " + String.join("; ", tried)
        + "; see docs/testing.md");
  }

  /** A directory holding every fixture whose path starts with {@code prefix/} (e.g. {@code alpine/keys}). */
  public Path directory(String prefix) {
    String dir = prefix.endsWith("/") ? prefix : prefix + "/";
    List<FixtureManifest.Entry> entries = manifest.entries().stream().filter(e -> e.path().startsWith(dir)).toList();
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("no fixture in fixtures.tsv lies under " + dir);
    }
    List<Path> files = entries.stream().map(e -> locate(e.path())).toList();
    Path first = files.get(0).getParent();
    if (files.stream().allMatch(f -> f.getParent().equals(first))) {
      return first;
    }
    // Found in different places: gather verified copies in the cache.
    try {
      for (int i = 0; i < files.size(); i++) {
        Path target = cache.resolve(entries.get(i).path());
        if (!files.get(i).equals(target)) {
          Path tmp = temporary(target);
          Files.copy(files.get(i), tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot gather fixtures " + dir + " in " + cache, e);
    }
    return cache.resolve(dir);
  }

  private Path download(String url, FixtureManifest.Entry entry, String place) throws IOException {
    Path target = cache.resolve(entry.path());
    Path tmp = temporary(target);
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(DOWNLOAD_TIMEOUT).GET().build();
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new IOException("HTTP " + response.statusCode());
        }
        return commit(body, tmp, target, entry, place);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private Path extract(Path tarball, FixtureManifest.Entry entry) throws IOException {
    Path target = cache.resolve(entry.path());
    Path tmp = temporary(target);
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(tarball)))) {
      for (TarArchiveEntry member = tar.getNextEntry(); member != null; member = tar.getNextEntry()) {
        if (member.getName().equals(entry.member())) {
          return commit(tar, tmp, target, entry, "member " + entry.member() + " of " + tarball);
        }
      }
      throw new IOException("no member " + entry.member() + " in " + tarball);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes {@code in} to {@code tmp}, checks it against the manifest, then moves it atomically to {@code target}. */
  private static Path commit(InputStream in, Path tmp, Path target, FixtureManifest.Entry entry, String place)
      throws IOException {
    MessageDigest sha256 = sha256();
    long size;
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha256)) {
      size = in.transferTo(out);
    }
    check(entry, size, HexFormat.of().formatHex(sha256.digest()), place);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  private static Path verified(Path file, FixtureManifest.Entry entry, String place) {
    MessageDigest sha256 = sha256();
    long size;
    try (InputStream in = Files.newInputStream(file);
        OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha256)) {
      size = in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read fixture " + file, e);
    }
    check(entry, size, HexFormat.of().formatHex(sha256.digest()), place + " (" + file + ")");
    return file;
  }

  private static void check(FixtureManifest.Entry entry, long size, String sha256, String place) {
    if (size != entry.size() || !sha256.equals(entry.sha256())) {
      throw new FixtureRefusedException("fixture " + entry.path() + " refused from " + place + ": it has " + size
          + " bytes and sha256 " + sha256 + ", fixtures.tsv says " + entry.size() + " bytes and sha256 "
          + entry.sha256() + "; replace or delete that copy");
    }
  }

  private static Path temporary(Path target) throws IOException {
    Files.createDirectories(target.getParent());
    return Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
  }

  private static boolean isUrl(String value) {
    return value.startsWith("http://") || value.startsWith("https://");
  }

  private static String describe(IOException e) {
    if (e instanceof ConnectException) {
      return "cannot connect";
    }
    if (e instanceof HttpTimeoutException) {
      return "timed out";
    }
    if (e instanceof UnknownHostException) {
      return "unknown host";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Prints the verified local path of each fixture named (all of them with {@code --all}); exit 1 if one is missing. */
  public static void main(String[] args) {
    FixtureLoader loader = fromEnvironment();
    List<String> paths = args.length == 1 && args[0].equals("--all")
        ? loader.manifest.entries().stream().map(FixtureManifest.Entry::path).toList()
        : List.of(args);
    int status = 0;
    for (String path : paths) {
      try {
        System.out.println(loader.locate(path));
      } catch (FixtureUnavailableException | FixtureRefusedException e) {
        System.err.println(e.getMessage());
        status = 1;
      }
    }
    System.exit(status);
  }
}
