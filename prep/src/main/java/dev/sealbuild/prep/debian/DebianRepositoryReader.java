package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.compress.Compression;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.formats.digest.VerifyingInputStream;
import dev.sealbuild.formats.io.ObservingInputStream;
import dev.sealbuild.formats.io.ReadAheadInputStream;
import dev.sealbuild.prep.debian.DebianMetadataException.Kind;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads one suite of a Debian repository the way apt does for {@code apt-get update}, minus the cache:
 * <ol>
 *   <li>fetch {@code dists/SUITE/InRelease} (bounded), verify it with the {@link InReleaseVerifier}, parse the
 *       {@link Release}; the release must name the requested suite (Suite or Codename), list the architecture and
 *       components, and be within Valid-Until unless expired metadata is allowed;</li>
 *   <li>for each component pick {@code COMP/binary-ARCH/Packages.gz}, else {@code .xz}, else the uncompressed file, as
 *       listed in the SHA256 section (apt prefers xz; here gzip comes first because inflating is several times
 *       faster than the pure-Java xz decoder, which costs more than the larger download on any usual link); fetch it from {@code by-hash/SHA256/HEX} when {@code Acquire-By-Hash: yes}
 *       (falling back to the plain name on 404, as apt does);</li>
 *   <li>check size and SHA256 while streaming (never reading past the listed size), decompress with the declared
 *       format only, bound the decompressed size by the uncompressed size listed in InRelease (or a default cap), and
 *       parse the stanzas. The parsed packages are returned only once the digest matched.</li>
 * </ol>
 * With an {@link IndexCache}, each verified index is kept by the SHA256 InRelease lists for it and read from there
 * (verified again while it is read) as long as InRelease lists the same digest; a cached file that no longer matches
 * is discarded and fetched again.
 * {@code binary-all} is read too when the release carries it and does not say
 * {@code No-Support-for-Architecture-all: Packages}. Not done: a Date in the future is accepted (apt's Check-Date
 * would refuse it, but clock skew on build machines makes that fragile), and detached Release.gpg is unsupported.
 */
public final class DebianRepositoryReader {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._~+-]*(/[A-Za-z0-9][A-Za-z0-9._~+-]*)*");
  private static final long MAX_INRELEASE_BYTES = 64L << 20;
  private static final long DEFAULT_MAX_DECOMPRESSED = 1L << 30;
  private static final int READ_AHEAD_CHUNK = 256 * 1024;
  private static final int READ_AHEAD_CHUNKS = 4;

  private final MetadataSource source;
  private final InReleaseVerifier verifier;
  private final Clock clock;
  private final boolean allowExpiredMetadata;
  /** Null: indexes are streamed from the source and kept nowhere. */
  private final IndexCache cache;

  public DebianRepositoryReader(MetadataSource source, InReleaseVerifier verifier, Clock clock,
      boolean allowExpiredMetadata) {
    this(source, verifier, clock, allowExpiredMetadata, null);
  }

  /** A reader that keeps verified indexes in {@code cache} and reads them from there while InRelease lists them. */
  public DebianRepositoryReader(MetadataSource source, InReleaseVerifier verifier, Clock clock,
      boolean allowExpiredMetadata, IndexCache cache) {
    this.source = Objects.requireNonNull(source, "source");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.allowExpiredMetadata = allowExpiredMetadata;
    this.cache = cache;
  }

  /**
   * Fetches, verifies and parses one suite.
   *
   * @param repositoryName the name recorded with each package (e.g. {@code debian})
   */
  public DebianRepositoryIndex read(String repositoryName, String suite, List<String> components,
      String architecture) throws IOException {
    checkName(suite, "suite");
    checkName(architecture, "architecture");
    if (components.isEmpty()) {
      throw new IllegalArgumentException("at least one component is needed for " + suite);
    }
    components.forEach(c -> checkName(c, "component"));

    String inReleasePath = "dists/" + suite + "/InRelease";
    String inReleaseUrl = source.describe(inReleasePath);
    byte[] inRelease;
    try (InputStream in = source.open(inReleasePath)) {
      inRelease = readBounded(in, MAX_INRELEASE_BYTES, inReleaseUrl);
    } catch (DebianMetadataException e) {
      if (e.kind() == Kind.NOT_FOUND) {
        throw new DebianMetadataException(Kind.NOT_FOUND, "no InRelease at " + inReleaseUrl
            + "; check the repository URL and suite (Release + Release.gpg alone is not supported)", e);
      }
      throw e;
    }
    rejectHtml(inRelease, inReleaseUrl);
    VerifiedInRelease verified = verifier.verify(inRelease, inReleaseUrl);
    Release release = Release.parse(verified.signedText(), inReleaseUrl);
    if (!release.isSuite(suite)) {
      throw new DebianMetadataException(Kind.BAD_RELEASE, inReleaseUrl + ": signed for suite '" + release.suite()
          + "' codename '" + release.codename() + "', not the requested '" + suite + "'");
    }
    release.checkNotExpired(clock.instant(), allowExpiredMetadata, inReleaseUrl);
    if (!release.architectures().isEmpty() && !release.architectures().contains(architecture)) {
      throw new DebianMetadataException(Kind.BAD_RELEASE, inReleaseUrl + ": architecture " + architecture
          + " is not in this release (has: " + String.join(" ", release.architectures()) + ")");
    }

    List<DebianPackage> packages = new ArrayList<>();
    List<NameOrder> names = new ArrayList<>();
    for (String component : components) {
      if (!release.hasComponent(component)) {
        throw new DebianMetadataException(Kind.BAD_RELEASE, inReleaseUrl + ": component " + component
            + " is not in this release (has: " + String.join(" ", release.components()) + ")");
      }
      ParsedPackages own = readPackages(suite, release, component, "binary-" + architecture, architecture, true);
      packages.addAll(own.packages());
      names.add(own.names());
      if (!release.noArchitectureAllPackages() && release.architectures().contains("all")) {
        ParsedPackages all = readPackages(suite, release, component, "binary-all", architecture, false);
        packages.addAll(all.packages());
        names.add(all.names());
      }
    }
    return new DebianRepositoryIndex(repositoryName, suite, release.codename(), architecture, components,
        sha256(inRelease), release.date(), release.validUntil(), verified.signerFingerprint(),
        release.defaultPinPriority(), packages, NameOrder.concat(names));
  }

  private ParsedPackages readPackages(String suite, Release release, String component, String binaryDir,
      String architecture, boolean required) throws IOException {
    String dir = component + "/" + binaryDir + "/";
    Optional<Release.FileEntry> uncompressed = release.file(dir + "Packages");
    long maxDecompressed = uncompressed.map(Release.FileEntry::size).orElse(DEFAULT_MAX_DECOMPRESSED);
    DebianMetadataException notFound = null;
    boolean listed = false;
    for (String name : new String[] {"Packages.gz", "Packages.xz", "Packages"}) {
      Optional<Release.FileEntry> entry = release.file(dir + name);
      if (entry.isEmpty()) {
        continue;
      }
      listed = true;
      try {
        return fetchAndParse(suite, release, dir, entry.get(), name, maxDecompressed, architecture);
      } catch (DebianMetadataException e) {
        if (e.kind() != Kind.NOT_FOUND) {
          throw e;
        }
        notFound = e;
      }
    }
    if (notFound != null) {
      throw notFound;
    }
    if (!listed && required) {
      throw new DebianMetadataException(Kind.BAD_RELEASE, source.describe("dists/" + suite + "/InRelease")
          + ": lists no Packages index for " + dir.substring(0, dir.length() - 1));
    }
    return ParsedPackages.of(List.of());
  }

  private ParsedPackages fetchAndParse(String suite, Release release, String dir, Release.FileEntry entry,
      String name, long maxDecompressed, String architecture) throws IOException {
    if (cache != null) {
      Optional<Path> cached = cache.find(entry.sha256());
      if (cached.isPresent()) {
        // The parsed form is named by the digest InRelease lists for the index it was made from and carries a digest
        // of its own: re-hashing the index too would only slow every lock (it is hashed when it is parsed again).
        Optional<ParsedPackages> parsed = cache.parsed(entry.sha256(), architecture);
        if (parsed.isPresent()) {
          return parsed.get();
        }
        String where = source.describe("dists/" + suite + "/" + entry.path()) + " (cached as " + cached.get() + ")";
        try {
          return keepParsed(entry, architecture,
              parseVerified(Files.newInputStream(cached.get()), entry, name, maxDecompressed, architecture, where));
        } catch (NoSuchFileException e) {
          // removed since it was found: fetch it again
        } catch (DebianMetadataException e) {
          if (e.kind() != Kind.HASH_MISMATCH) {
            throw e;
          }
          cache.discard(entry.sha256()); // corrupt on disk: fetch it again
        }
      }
    }
    String plainPath = "dists/" + suite + "/" + entry.path();
    String byHashPath = "dists/" + suite + "/" + dir + "by-hash/SHA256/" + entry.sha256().hex();
    InputStream raw;
    String path = release.acquireByHash() ? byHashPath : plainPath;
    try {
      raw = source.open(path);
    } catch (DebianMetadataException e) {
      if (e.kind() != Kind.NOT_FOUND || !release.acquireByHash()) {
        throw e;
      }
      path = plainPath;
      raw = source.open(path);
    }
    String url = source.describe(path);
    if (cache == null) {
      return ParsedPackages.of(parseVerified(raw, entry, name, maxDecompressed, architecture, url));
    }
    // Parsed as it downloads (the parse, not the download, is the long part); checked against InRelease before a
    // byte reaches the cache, so a longer or different file fails as the signed index's mismatch.
    try (VerifyingInputStream checked = new VerifyingInputStream(raw, entry.sha256(), entry.size(),
        new SignedIndexMismatch(url))) {
      return keepParsed(entry, architecture, cache.storeWhileReading(checked, entry.sha256(), entry.size(), url,
          in -> parseChecked(in, checked, name, maxDecompressed, architecture, url)));
    }
  }

  private ParsedPackages keepParsed(Release.FileEntry entry, String architecture, List<DebianPackage> packages)
      throws IOException {
    ParsedPackages parsed = ParsedPackages.of(packages);
    cache.keepParsed(entry.sha256(), architecture, parsed);
    return parsed;
  }

  /**
   * Decompresses and parses {@code raw} while checking it against the size and SHA256 InRelease lists; the packages
   * are returned only once the digest matched. Closes {@code raw}.
   */
  private List<DebianPackage> parseVerified(InputStream raw, Release.FileEntry entry, String name,
      long maxDecompressed, String architecture, String url) throws IOException {
    try (VerifyingInputStream verifying = new VerifyingInputStream(raw, entry.sha256(), entry.size(), new SignedIndexMismatch(url))) {
      return parseChecked(verifying, verifying, name, maxDecompressed, architecture, url);
    }
  }

  /**
   * Parses {@code in}, which reads (perhaps through a copy to the cache) from {@code verifying}; reads {@code in} to its
   * end, and returns the packages only once {@code verifying} found the digest right.
   */
  private List<DebianPackage> parseChecked(InputStream in, VerifyingInputStream verifying, String name,
      long maxDecompressed, String architecture, String url) throws IOException {
    List<DebianPackage> packages;
    try {
      InputStream shielded = new FilterInputStream(in) {
        @Override
        public void close() {
          // the stream must stay open to be read to its end
        }
      };
      InputStream decompressed = new LimitedInputStream(decompress(shielded, name, url), maxDecompressed, url);
      // download, digest, copy to the cache and decompression on one core, the parse on another
      packages = new PackagesIndex(architecture).parse(new ReadAheadInputStream(decompressed, READ_AHEAD_CHUNK,
          READ_AHEAD_CHUNKS, "sealbuild-index-reader"), url);
    } catch (IOException | RuntimeException e) {
      // a digest mismatch explains garbage better than the parse error it caused
      in.transferTo(OutputStream.nullOutputStream());
      verifying.drainAndVerify();
      if (e instanceof DebianMetadataException d) {
        throw d;
      }
      throw new DebianMetadataException(Kind.BAD_INDEX, url + ": cannot decompress " + name + ": " + e, e);
    }
    in.transferTo(OutputStream.nullOutputStream());
    verifying.drainAndVerify();
    return packages;
  }

  /** The decompressor the index's file name declares, with the bounds every decompression has. */
  private static InputStream decompress(InputStream in, String name, String url) throws IOException {
    String lower = name.toLowerCase(Locale.ROOT);
    Compression compression;
    if (lower.endsWith(".xz")) {
      compression = Compression.XZ;
    } else if (lower.endsWith(".gz")) {
      compression = Compression.GZIP;
    } else if (lower.equals("packages")) {
      compression = Compression.NONE;
    } else {
      throw new DebianMetadataException(Kind.BAD_INDEX, url + ": unsupported compression");
    }
    return new Decompressors(DecompressionLimits.DEFAULT).open(compression, in, url);
  }

  private static byte[] readBounded(InputStream in, long max, String url) throws IOException {
    byte[] bytes = in.readNBytes((int) max + 1);
    if (bytes.length > max) {
      throw new DebianMetadataException(Kind.BAD_RELEASE, url + " is larger than " + max + " bytes");
    }
    return bytes;
  }

  private static void rejectHtml(byte[] bytes, String url) throws DebianMetadataException {
    String head = new String(bytes, 0, Math.min(bytes.length, 512), StandardCharsets.ISO_8859_1)
        .stripLeading().toLowerCase(Locale.ROOT);
    if (head.startsWith("<!doctype html") || head.startsWith("<html") || head.startsWith("<?xml")
        || head.startsWith("<head") || head.startsWith("<body")) {
      throw new DebianMetadataException(Kind.HTML_INSTEAD_OF_DATA, "got an HTML page instead of InRelease from "
          + url + "; check the repository URL or a captive portal/proxy");
    }
  }

  private static Sha256 sha256(byte[] bytes) {
    return Sha256.hash(bytes);
  }

  private static void checkName(String value, String what) {
    if (!NAME.matcher(value).matches() || value.length() > 200) {
      throw new IllegalArgumentException("invalid " + what + " '" + value + "'");
    }
  }

  /** Fails once more than {@code max} decompressed bytes arrive: a decompression bomb stops here. */
  private static final class LimitedInputStream extends ObservingInputStream {
    private final long max;
    private final String url;
    private long count;

    LimitedInputStream(InputStream in, long max, String url) {
      super(in);
      this.max = max;
      this.url = url;
    }

    @Override
    protected int limitRead(int len) {
      return (int) Math.min(len, max + 1 - count);
    }

    @Override
    protected void observe(byte[] buf, int off, int len) throws DebianMetadataException {
      count += len;
      if (count > max) {
        throw new DebianMetadataException(Kind.BAD_INDEX, url + ": decompresses to more than " + max + " bytes; refusing");
      }
    }
  }
}
