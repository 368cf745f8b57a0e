package dev.sealbuild.prep.packages;

import dev.sealbuild.prep.debian.AptSources;
import dev.sealbuild.prep.debian.DebianMetadataException;
import dev.sealbuild.prep.debian.InReleaseVerifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;

/**
 * The repositories a base names, for a {@code from: base} repository entry: Debian's apt sources (one-line
 * {@code /etc/apt/sources.list} first, then {@code /etc/apt/sources.list.d/*.list} and {@code *.sources} in name order,
 * as apt reads them; {@code deb} entries only) with the keyring apt would verify them with ({@code Signed-By}, else
 * {@code /etc/apt/trusted.gpg} and {@code /etc/apt/trusted.gpg.d/*.gpg|*.asc}), or Alpine's {@code /etc/apk/repositories}
 * with the keys in {@code /etc/apk/keys}. Each (URL, suite) becomes a repository named NAME, NAME-2, ... in that order.
 * The base's {@code /etc/os-release} must name the distribution the entry's type says.
 */
public final class BaseRepositories {
  static final String OS_RELEASE = "etc/os-release";
  static final String OS_RELEASE_FALLBACK = "usr/lib/os-release";
  static final String SOURCES_LIST = "etc/apt/sources.list";
  static final String SOURCES_DIR = "etc/apt/sources.list.d";
  static final String TRUSTED = "etc/apt/trusted.gpg";
  static final String TRUSTED_DIR = "etc/apt/trusted.gpg.d";
  static final String APK_REPOSITORIES = "etc/apk/repositories";
  static final String APK_KEYS = "etc/apk/keys";

  /** The paths read from a base: os-release, sources, and every keyring a {@code Signed-By} may name in the usual places. */
  public static final Predicate<String> FILES = p -> p.equals(OS_RELEASE) || p.equals(OS_RELEASE_FALLBACK)
      || p.equals(SOURCES_LIST) || p.equals(TRUSTED) || p.equals(APK_REPOSITORIES)
      || inDir(p, SOURCES_DIR) || inDir(p, TRUSTED_DIR) || inDir(p, "usr/share/keyrings") || inDir(p, "etc/apt/keyrings")
      || inDir(p, APK_KEYS);

  private static boolean inDir(String path, String dir) {
    return path.startsWith(dir + "/") && path.indexOf('/', dir.length() + 1) < 0;
  }

  private BaseRepositories() {}

  /** A Debian repository found in a base: where, which suite and components, the keyring, and the file that named it. */
  public record Debian(String name, URI url, String suite, List<String> components, InReleaseVerifier.Keyring keyring,
      String from) {}

  /**
   * An Alpine repository found in a base, with the base's keys (file name to PEM); {@code tag} is the TAG of an
   * {@code @TAG URL} line (only {@code name@TAG} requests may take its packages), null for a plain line.
   */
  public record Alpine(String name, URI url, Map<String, String> keys, String from, String tag) {}

  /** The tags sealbuild takes, as in a world entry's {@code name@tag}. */
  private static final java.util.regex.Pattern APK_TAG = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** The Debian repositories {@code base} names, for the entry {@code name}. */
  public static List<Debian> debian(String name, BaseFiles.Found base) {
    checkDistribution(base, "debian");
    record Named(AptSources.Source source, String file) {}
    List<Named> sources = new ArrayList<>();
    base.get(SOURCES_LIST).ifPresent(b -> AptSourcesText.oneLine(text(b), "/" + SOURCES_LIST, base)
        .forEach(s -> sources.add(new Named(s, "/" + SOURCES_LIST))));
    for (String file : base.list(SOURCES_DIR, ".list", ".sources")) {
      String text = text(base.get(file).orElseThrow());
      List<AptSources.Source> found = file.endsWith(".list") ? AptSourcesText.oneLine(text, "/" + file, base)
          : AptSourcesText.deb822(text, "/" + file, base);
      found.forEach(s -> sources.add(new Named(s, "/" + file)));
    }
    if (sources.isEmpty()) {
      throw new PackageException(base.label() + " has no apt sources (no deb entry in /" + SOURCES_LIST + " or /" + SOURCES_DIR
          + "/*.list|*.sources) for repository " + name + "; give the repository a url and suite instead of from: base");
    }
    List<Debian> out = new ArrayList<>();
    Map<String, InReleaseVerifier.Keyring> keyrings = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (Named n : sources) {
      AptSources.Source s = n.source();
      String scheme = s.uri().getScheme() == null ? "" : s.uri().getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new PackageException(base.label() + ": " + n.file() + " names " + s.uri() + "; only http and https sources can"
            + " be locked: pass --mirror " + name + "=URL or give the repository a url");
      }
      if (!seen.add(s.uri() + " " + s.suite())) {
        continue;
      }
      String keyringPath = s.signedBy().map(p -> BaseFiles.normalize(p.toString())).orElse(null);
      InReleaseVerifier.Keyring keyring = keyrings.computeIfAbsent(keyringPath == null ? "" : keyringPath,
          k -> keyringPath == null ? trustedKeyring(base, n.file()) : signedBy(base, keyringPath, n.file()));
      String repoName = out.isEmpty() ? name : name + "-" + (out.size() + 1);
      out.add(new Debian(repoName, s.uri(), s.suite(), s.components(), keyring, n.file()));
    }
    return out;
  }

  /** The Alpine repositories {@code base} names, for the entry {@code name}. */
  public static List<Alpine> alpine(String name, BaseFiles.Found base) {
    checkDistribution(base, "alpine");
    byte[] file = base.get(APK_REPOSITORIES).orElseThrow(() -> new PackageException(base.label() + " has no /"
        + APK_REPOSITORIES + " for repository " + name + "; give the repository a url and keys instead of from: base"));
    Map<String, String> keys = new TreeMap<>();
    for (String path : base.list(APK_KEYS, ".pub", ".pem")) {
      keys.put(path.substring(path.lastIndexOf('/') + 1), new String(base.get(path).orElseThrow(), StandardCharsets.US_ASCII));
    }
    if (keys.isEmpty()) {
      throw new PackageException(base.label() + " has no keys in /" + APK_KEYS + " for repository " + name
          + "; give the repository keys instead of from: base");
    }
    List<Alpine> out = new ArrayList<>();
    String[] lines = text(file).split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = base.label() + ": /" + APK_REPOSITORIES + " line " + (i + 1);
      String tag = null;
      String location = line;
      if (line.startsWith("@")) {
        // apk's apk_db_add_repository: the tag runs to the first space, tab or ':', and those that follow are skipped
        int end = 1;
        while (end < line.length() && " \t:".indexOf(line.charAt(end)) < 0) {
          end++;
        }
        tag = line.substring(1, end);
        location = line.substring(end).replaceFirst("^[ \t:]+", "");
        if (!APK_TAG.matcher(tag).matches() || location.isEmpty()) {
          throw new PackageException(where + ": '" + line + "' is not a tagged repository line; write @TAG URL with TAG"
              + " letters, digits, '.', '_' or '-', such as @edge https://alpine.example/edge/main");
        }
      }
      URI url;
      try {
        url = URI.create(location.endsWith("/") ? location.substring(0, location.length() - 1) : location);
      } catch (IllegalArgumentException e) {
        throw new PackageException(where + ": '" + line + "' is not a URL");
      }
      if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
        throw new PackageException(where + ": " + line + " is not an http or https URL; pass --mirror " + name
            + "=URL or list the repository in build.yaml");
      }
      String repoName = out.isEmpty() ? name : name + "-" + (out.size() + 1);
      out.add(new Alpine(repoName, url, keys, "/" + APK_REPOSITORIES, tag));
    }
    if (out.isEmpty()) {
      throw new PackageException(base.label() + ": /" + APK_REPOSITORIES + " lists no repository for " + name);
    }
    return out;
  }

  /** {@code ID} (or {@code ID_LIKE}) of the base's os-release must be {@code id}. */
  static void checkDistribution(BaseFiles.Found base, String id) {
    Optional<byte[]> osRelease = base.get(OS_RELEASE).or(() -> base.get(OS_RELEASE_FALLBACK));
    if (osRelease.isEmpty()) {
      throw new PackageException(base.label() + " has no /" + OS_RELEASE + " (nor /" + OS_RELEASE_FALLBACK + "), so from: base"
          + " cannot tell its distribution; give the repository a url instead");
    }
    Map<String, String> fields = osRelease(text(osRelease.get()));
    String actual = fields.getOrDefault("ID", "");
    List<String> like = List.of(fields.getOrDefault("ID_LIKE", "").split("\\s+"));
    if (!actual.equals(id) && !like.contains(id)) {
      throw new PackageException(base.label() + ": /" + OS_RELEASE + " says ID=" + actual + ", not " + id
          + "; the repository's type must match the base's distribution");
    }
  }

  /** The KEY=value lines of an os-release file, quotes removed. */
  static Map<String, String> osRelease(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      int eq = line.indexOf('=');
      if (line.startsWith("#") || eq <= 0) {
        continue;
      }
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'') && value.endsWith(value.substring(0, 1))) {
        value = value.substring(1, value.length() - 1);
      }
      out.put(line.substring(0, eq), value);
    }
    return out;
  }

  private static InReleaseVerifier.Keyring signedBy(BaseFiles.Found base, String path, String file) {
    byte[] bytes = base.get(path).orElseThrow(() -> new PackageException(base.label() + ": " + file + " says signed-by /"
        + path + ", which the base does not have (keyrings are read from /usr/share/keyrings, /etc/apt/keyrings and "
        + "/etc/apt/trusted.gpg.d)"));
    return keyring(base, List.of(Map.entry("/" + path, bytes)));
  }

  /** What apt trusts without Signed-By: {@code trusted.gpg} and {@code trusted.gpg.d/*.gpg|*.asc}. */
  private static InReleaseVerifier.Keyring trustedKeyring(BaseFiles.Found base, String file) {
    List<Map.Entry<String, byte[]>> files = new ArrayList<>();
    base.get(TRUSTED).ifPresent(b -> files.add(Map.entry("/" + TRUSTED, b)));
    for (String path : base.list(TRUSTED_DIR, ".gpg", ".asc")) {
      files.add(Map.entry("/" + path, base.get(path).orElseThrow()));
    }
    if (files.isEmpty()) {
      throw new PackageException(base.label() + ": " + file + " has no signed-by and the base has no /" + TRUSTED + " or /"
          + TRUSTED_DIR + "/*.gpg|*.asc to verify it with; install debian-archive-keyring in the base");
    }
    return keyring(base, files);
  }

  /** Merges the files' keys (a key two files hold, once); an empty file is skipped, as apt skips it. */
  private static InReleaseVerifier.Keyring keyring(BaseFiles.Found base, List<Map.Entry<String, byte[]>> files) {
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    Set<Long> ids = new HashSet<>();
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, byte[]> f : files) {
      if (f.getValue().length == 0) {
        continue;
      }
      names.add(f.getKey());
      PGPPublicKeyRingCollection parsed;
      try {
        parsed = InReleaseVerifier.parseKeyring(f.getValue(), base.label() + " " + f.getKey());
      } catch (DebianMetadataException e) {
        throw new PackageException(e.getMessage());
      }
      parsed.getKeyRings().forEachRemaining(ring -> {
        List<Long> mine = new ArrayList<>();
        ring.getPublicKeys().forEachRemaining((PGPPublicKey k) -> mine.add(k.getKeyID()));
        if (mine.stream().noneMatch(ids::contains)) {
          ids.addAll(mine);
          rings.add(ring);
        }
      });
    }
    if (rings.isEmpty()) {
      throw new PackageException(base.label() + ": " + String.join(", ", names) + " hold no OpenPGP keys");
    }
    return new InReleaseVerifier.Keyring(new PGPPublicKeyRingCollection(rings), base.label() + " " + String.join(" ", names));
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** apt's source parsers with errors that name the base and the file. */
  private static final class AptSourcesText {
    static List<AptSources.Source> oneLine(String text, String file, BaseFiles.Found base) {
      try {
        return AptSources.parseOneLine(text);
      } catch (RuntimeException e) {
        throw new PackageException(base.label() + ": " + file + ": " + e.getMessage());
      }
    }

    static List<AptSources.Source> deb822(String text, String file, BaseFiles.Found base) {
      try {
        return AptSources.parseDeb822(text, base.label() + " " + file);
      } catch (RuntimeException e) {
        throw new PackageException(base.label() + ": " + file + ": " + e.getMessage());
      }
    }
  }
}
