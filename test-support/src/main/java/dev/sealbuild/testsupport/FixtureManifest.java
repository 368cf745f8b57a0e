package dev.sealbuild.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The committed list of third-party fixtures ({@code fixtures.tsv} beside this class): for each, its path in a
 * fixture directory laid out like {@code ../shared/fixtures}, its size and sha256, and its source.
 */
public final class FixtureManifest {
  private static final String RESOURCE = "fixtures.tsv";

  /**
   * One fixture. {@code source} is an upstream {@code https://} URL, {@code debian-mirror:PATH} (a path in the Debian
   * archive of the mirror this host's apt uses, such as {@code pool/main/z/zlib/...}), or {@code FIXTURE!MEMBER}: the
   * member of another fixture's (gzip) tarball this file was extracted from.
   */
  public record Entry(String path, long size, String sha256, String source) {
    static final String DEBIAN_MIRROR = "debian-mirror:";

    public boolean derived() {
      return !source.startsWith("https://") && !source.startsWith("http://") && !onDebianMirror();
    }

    /** True for {@code debian-mirror:PATH}. */
    public boolean onDebianMirror() {
      return source.startsWith(DEBIAN_MIRROR);
    }

    /** The archive path of a {@code debian-mirror:} entry. */
    public String mirrorPath() {
      return source.substring(DEBIAN_MIRROR.length());
    }

    /** The fixture a derived entry is extracted from. */
    public String parent() {
      return source.substring(0, source.indexOf('!'));
    }

    /** The tar member a derived entry is. */
    public String member() {
      return source.substring(source.indexOf('!') + 1);
    }
  }

  private final Map<String, Entry> entries;

  public FixtureManifest(Map<String, Entry> entries) {
    this.entries = Map.copyOf(entries);
  }

  /** The manifest committed with this module. */
  public static FixtureManifest committed() {
    try (InputStream in = FixtureManifest.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path beside " + FixtureManifest.class.getName());
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Tab-separated lines {@code path size sha256 source}; {@code #} starts a comment line. */
  public static FixtureManifest parse(String text) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      if (fields.length != 4 || !fields[2].matches("[0-9a-f]{64}") || !fields[1].matches("[0-9]+")) {
        throw new IllegalArgumentException(RESOURCE + " line " + number + ": want path<TAB>size<TAB>sha256<TAB>source, got: " + line);
      }
      Entry entry = new Entry(fields[0], Long.parseLong(fields[1]), fields[2], fields[3]);
      if (entries.put(entry.path(), entry) != null) {
        throw new IllegalArgumentException(RESOURCE + " line " + number + ": " + entry.path() + " is listed twice");
      }
    }
    for (Entry entry : entries.values()) {
      if (entry.derived() && (!entry.source().contains("!") || !entries.containsKey(entry.parent()))) {
        throw new IllegalArgumentException(RESOURCE + ": " + entry.path() + " comes from " + entry.source()
            + ", which is neither a URL, debian-mirror:PATH nor FIXTURE!MEMBER of a listed fixture");
      }
    }
    return new FixtureManifest(entries);
  }

  public Optional<Entry> find(String path) {
    return Optional.ofNullable(entries.get(path));
  }

  public Collection<Entry> entries() {
    return entries.values();
  }
}
