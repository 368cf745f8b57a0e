package dev.sealbuild.testsupport.deb;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/**
 * A small signed Debian repository generated in memory and served from 127.0.0.1: {@code dists/SUITE/InRelease}
 * clearsigned by a throwaway key, {@code COMP/binary-ARCH/Packages.xz} and {@code .gz}, by-hash copies. Tests can
 * remove or replace any path; every request is recorded.
 */
public final class SyntheticRepository implements AutoCloseable {
  public static final DateTimeFormatter RFC2822 =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  /** What goes into the Release file. */
  public record Spec(String suite, String codename, String component, String architecture, Instant date, Instant validUntil,
      boolean byHash, Set<String> compressions, String extraReleaseFields) {
    public static Spec simple(String suite) {
      return new Spec(suite, suite, "main", "amd64", Instant.now().minusSeconds(3600), null, true,
          Set.of("xz", "gz"), "");
    }

    public Spec withValidUntil(Instant until) {
      return new Spec(suite, codename, component, architecture, date, until, byHash, compressions, extraReleaseFields);
    }

    public Spec withCodename(String name) {
      return new Spec(suite, name, component, architecture, date, validUntil, byHash, compressions, extraReleaseFields);
    }

    public Spec withCompressions(Set<String> kinds) {
      return new Spec(suite, codename, component, architecture, date, validUntil, byHash, kinds, extraReleaseFields);
    }

    public Spec withExtraReleaseFields(String fields) {
      return new Spec(suite, codename, component, architecture, date, validUntil, byHash, compressions, fields);
    }
  }

  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, String> contentTypes = new ConcurrentHashMap<>();
  private final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final String packagesText;

  public SyntheticRepository(Spec spec, TestPgp.Key key, List<String> stanzas) throws IOException {
    this(spec, key, String.join("\n", stanzas), null);
  }

  /** @param listedUncompressedSize overrides the size listed for the uncompressed Packages (null: the real one) */
  public SyntheticRepository(Spec spec, TestPgp.Key key, String packages, Long listedUncompressedSize) throws IOException {
    this.packagesText = packages;
    String dir = spec.component() + "/binary-" + spec.architecture() + "/";
    byte[] plain = packages.getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> indexFiles = new LinkedHashMap<>();
    if (spec.compressions().contains("xz")) {
      indexFiles.put(dir + "Packages.xz", xz(plain));
    }
    if (spec.compressions().contains("gz")) {
      indexFiles.put(dir + "Packages.gz", gz(plain));
    }
    StringBuilder release = new StringBuilder()
        .append("Origin: Synthetic\nLabel: Synthetic\n")
        .append("Suite: ").append(spec.suite()).append('\n')
        .append("Codename: ").append(spec.codename()).append('\n')
        .append("Date: ").append(RFC2822.format(spec.date())).append('\n');
    if (spec.validUntil() != null) {
      release.append("Valid-Until: ").append(RFC2822.format(spec.validUntil())).append('\n');
    }
    if (spec.byHash()) {
      release.append("Acquire-By-Hash: yes\n");
    }
    release.append("Architectures: ").append(spec.architecture()).append('\n')
        .append("Components: ").append(spec.component()).append('\n')
        .append(spec.extraReleaseFields())
        .append("SHA256:\n");
    release.append(' ').append(sha256(plain)).append(' ')
        .append(listedUncompressedSize != null ? listedUncompressedSize : plain.length)
        .append(' ').append(dir).append("Packages\n");
    for (Map.Entry<String, byte[]> e : indexFiles.entrySet()) {
      release.append(' ').append(sha256(e.getValue())).append(' ').append(e.getValue().length).append(' ')
          .append(e.getKey()).append('\n');
      files.put("dists/" + spec.suite() + "/" + e.getKey(), e.getValue());
      if (spec.byHash()) {
        files.put("dists/" + spec.suite() + "/" + dir + "by-hash/SHA256/" + sha256(e.getValue()), e.getValue());
      }
    }
    files.put("dists/" + spec.suite() + "/InRelease", TestPgp.clearsign(release.toString(), key));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Every request served, as {@code METHOD /path}. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  public String packagesText() {
    return packagesText;
  }

  /** Paths currently served, for tests that alter one. */
  public List<String> paths() {
    return new ArrayList<>(files.keySet());
  }

  public byte[] file(String path) {
    return files.get(path);
  }

  public void put(String path, byte[] bytes, String contentType) {
    files.put(path, bytes);
    contentTypes.put(path, contentType);
  }

  public void remove(String path) {
    files.remove(path);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
      String path = exchange.getRequestURI().getPath().substring(1);
      byte[] body = files.get(path);
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", contentTypes.getOrDefault(path, "application/octet-stream"));
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(200, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  public static byte[] xz(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (XZCompressorOutputStream xz = new XZCompressorOutputStream(out)) {
      xz.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] gz(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
      gz.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A minimal valid binary package stanza; {@code fields} are extra lines, each ending in \n. */
  public static String pkg(String name, String version, String fields) {
    return pkg(name, version, "amd64", fields);
  }

  public static String pkg(String name, String version, String arch, String fields) {
    String file = "pool/main/" + name.charAt(0) + "/" + name + "/" + name + "_" + version.replace(':', '%') + "_"
        + arch + ".deb";
    file = file.replace("%", "");
    return "Package: " + name + "\nVersion: " + version + "\nArchitecture: " + arch + "\n" + fields
        + (fields.contains("Priority:") || fields.contains("No-Priority") ? "" : "Priority: optional\n")
        + "Filename: " + file + "\nSize: 100\nSHA256: " + sha256(file.getBytes(StandardCharsets.UTF_8))
        + "\nDescription: synthetic " + name + "\n";
  }
}
