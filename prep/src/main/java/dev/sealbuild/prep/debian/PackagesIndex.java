package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.deb822.Deb822Stanza;
import dev.sealbuild.formats.deb822.Deb822Reader;
import dev.sealbuild.formats.deb822.Deb822Exception;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Parses a decompressed {@code Packages} index as a stream of stanzas into compact {@link DebianPackage} records
 * (only the fields the resolver and the lock use; repeated values such as relation fields shared between records). Stanzas for
 * other architectures than the requested one (and {@code all}) are skipped. Every field the rest of sealbuild builds
 * paths, URLs or decisions from is validated here: package name, version, architecture, pool path, size, SHA256.
 */
public final class PackagesIndex {
  private static final Pattern ARCHITECTURE = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final int MAX_FILENAME_CHARS = 4096;

  private final String architecture;
  private final Deb822Reader.Limits limits;
  /** Shares the few distinct values of repetitive fields between records. */
  private final Map<String, String> interned = new HashMap<>();

  /** @param architecture the Debian architecture to keep (plus {@code all}) */
  public PackagesIndex(String architecture, Deb822Reader.Limits limits) {
    if (!ARCHITECTURE.matcher(architecture).matches()) {
      throw new IllegalArgumentException("invalid architecture '" + architecture + "'");
    }
    this.architecture = architecture;
    this.limits = limits;
  }

  public PackagesIndex(String architecture) {
    this(architecture, Deb822Reader.Limits.DEFAULT);
  }

  /** Reads all packages for the architecture, in index order. The stream is closed. */
  public List<DebianPackage> parse(InputStream decompressed, String origin) throws DebianMetadataException {
    List<DebianPackage> packages = new ArrayList<>();
    parse(decompressed, origin, packages::add);
    return packages;
  }

  /**
   * Streams packages for the architecture to {@code sink}, in index order. The stream is closed. Only the fields a
   * {@link DebianPackage} holds are assembled; the rest of each stanza (descriptions, tags, checksums of other
   * kinds) is checked by the deb822 rules and dropped.
   */
  public void parse(InputStream decompressed, String origin, Consumer<DebianPackage> sink)
      throws DebianMetadataException {
    try (Deb822Reader reader = new Deb822Reader(decompressed, origin, limits)) {
      Fields fields = new Fields();
      Deb822Reader.FieldVisitor visitor = new Deb822Reader.FieldVisitor() {
        @Override
        public boolean wants(String name) {
          return fields.slot(name) >= 0;
        }

        @Override
        public void field(String name, String value) {
          fields.values[fields.slot(name)] = value;
        }

        @Override
        public void end(long firstLine) throws DebianMetadataException {
          String arch = fields.get(ARCHITECTURE_FIELD);
          if (arch.equals(architecture) || arch.equals("all")) {
            sink.accept(toPackage(fields, firstLine, origin));
          }
          fields.clear();
        }
      };
      while (reader.next(visitor)) {
        // the visitor hands each package to the sink
      }
    } catch (DebianMetadataException e) {
      throw e;
    } catch (Deb822Exception e) {
      throw new DebianMetadataException(DebianMetadataException.Kind.BAD_INDEX, e.getMessage());
    } catch (IOException e) {
      throw new DebianMetadataException(DebianMetadataException.Kind.BAD_INDEX,
          origin + ": cannot read index: " + e.getMessage(), e);
    }
  }

  /** Converts one stanza; public so a dpkg status file or a single control file can reuse the validation. */
  public DebianPackage toPackage(Deb822Stanza s, String origin) throws DebianMetadataException {
    Fields fields = new Fields();
    for (int k = 0; k < KEPT.length; k++) {
      fields.values[k] = s.fieldOrEmpty(KEPT[k]);
    }
    return toPackage(fields, s.firstLine(), origin);
  }

  /** The fields a {@link DebianPackage} is built from, by slot; {@code ""} when absent. */
  private static final String[] KEPT = {"Package", "Version", "Architecture", "Filename", "Size", "SHA256",
      "Installed-Size", "Source", "Multi-Arch", "Essential", "Important", "Protected", "Priority", "Pre-Depends",
      "Depends", "Recommends", "Suggests", "Enhances", "Provides", "Conflicts", "Breaks", "Replaces"};
  private static final int ARCHITECTURE_FIELD = 2;
  /** The slots of the kept field names of each length. */
  private static final int[][] SLOTS_BY_LENGTH = new int[16][];

  static {
    for (int length = 0; length < SLOTS_BY_LENGTH.length; length++) {
      int len = length;
      SLOTS_BY_LENGTH[length] = java.util.stream.IntStream.range(0, KEPT.length)
          .filter(k -> KEPT[k].length() == len).toArray();
    }
  }

  /** One stanza's kept fields, reused from stanza to stanza. */
  private static final class Fields {
    final String[] values = new String[KEPT.length];

    Fields() {
      clear();
    }

    /** The slot of a kept field (names are case-insensitive), -1 for every other field; allocates nothing. */
    int slot(String name) {
      if (name.length() >= SLOTS_BY_LENGTH.length) {
        return -1;
      }
      for (int slot : SLOTS_BY_LENGTH[name.length()]) {
        if (KEPT[slot].equalsIgnoreCase(name)) {
          return slot;
        }
      }
      return -1;
    }

    String get(int slot) {
      return values[slot];
    }

    String get(String name) {
      return values[slot(name)];
    }

    void clear() {
      java.util.Arrays.fill(values, "");
    }
  }

  private DebianPackage toPackage(Fields s, long firstLine, String origin) throws DebianMetadataException {
    String name = s.get("Package");
    String where = origin + " line " + firstLine;
    if (!isPackageName(name)) {
      throw bad(where + ": invalid or missing Package name '" + abbreviate(name) + "'");
    }
    where = origin + ": package '" + name + "' (line " + firstLine + ")";
    try {
      DebianVersion version = DebianVersion.parse(require(s, "Version", where));
      String arch = require(s, "Architecture", where);
      if (!isArchitecture(arch)) {
        throw bad(where + ": invalid Architecture '" + abbreviate(arch) + "'");
      }
      String filename = require(s, "Filename", where);
      checkPoolPath(filename, where);
      long size = parseSize(require(s, "Size", where), "Size", where);
      Sha256 sha256;
      try {
        sha256 = Sha256.ofHex(require(s, "SHA256", where));
      } catch (IllegalArgumentException e) {
        throw bad(where + ": bad SHA256: " + e.getMessage());
      }
      String installed = s.get("Installed-Size");
      long installedSize = installed.isEmpty() ? -1 : parseSize(installed, "Installed-Size", where);
      String source = s.get("Source");
      int space = source.indexOf(' ');
      source = source.isEmpty() ? name : space < 0 ? source : source.substring(0, space);
      DebianPackage.RelationFields relations = new DebianPackage.RelationFields(
          intern(s.get("Pre-Depends")), intern(s.get("Depends")), intern(s.get("Recommends")),
          intern(s.get("Suggests")), intern(s.get("Enhances")), intern(s.get("Provides")),
          intern(s.get("Conflicts")), intern(s.get("Breaks")), intern(s.get("Replaces")));
      return new DebianPackage(name, version, intern(arch),
          DebianPackage.MultiArch.parse(s.get("Multi-Arch")),
          isYes(s, "Essential"), isYes(s, "Important") || isYes(s, "Protected"),
          intern(s.get("Priority")), intern(source), filename, size, sha256, installedSize,
          relations.equals(DebianPackage.RelationFields.NONE) ? DebianPackage.RelationFields.NONE : relations);
    } catch (IllegalArgumentException e) {
      throw bad(where + ": " + e.getMessage());
    }
  }

  private String intern(String value) {
    return interned.computeIfAbsent(value, v -> v);
  }

  private static boolean isYes(Fields s, String field) {
    return s.get(field).equalsIgnoreCase("yes");
  }

  private static String require(Fields s, String field, String where) throws DebianMetadataException {
    String value = s.get(field);
    if (value.isEmpty()) {
      throw bad(where + ": missing " + field);
    }
    return value;
  }

  private static long parseSize(String value, String field, String where) throws DebianMetadataException {
    if (value.isEmpty() || value.length() > 18 || !allDigits(value)) {
      throw bad(where + ": bad " + field + " '" + abbreviate(value) + "'");
    }
    return Long.parseLong(value);
  }

  /** A pool path must be relative and stay below the repository root: each segment starts with a letter or digit. */
  static void checkPoolPath(String path, String where) throws DebianMetadataException {
    if (path.length() > MAX_FILENAME_CHARS) {
      throw bad(where + ": Filename longer than " + MAX_FILENAME_CHARS + " characters");
    }
    // each '/'-separated segment is [A-Za-z0-9][A-Za-z0-9+._~-]*; checked by hand, as this runs once per package
    boolean segmentStart = true;
    for (int k = 0; k < path.length(); k++) {
      char c = path.charAt(k);
      boolean ok = segmentStart ? isAlnum(c) : isAlnum(c) || c == '+' || c == '.' || c == '_' || c == '~' || c == '-'
          || (c == '/' && k + 1 < path.length());
      if (!ok) {
        throw bad(where + ": unsafe Filename '" + abbreviate(path) + "' (must be a relative path of plain segments)");
      }
      segmentStart = c == '/';
    }
    if (path.isEmpty()) {
      throw bad(where + ": unsafe Filename '' (must be a relative path of plain segments)");
    }
  }

  /** {@code [a-z0-9][a-z0-9+.-]*}, a Debian package name, checked by hand for speed. */
  private static boolean isPackageName(String name) {
    if (name.isEmpty() || !isLowerAlnum(name.charAt(0))) {
      return false;
    }
    for (int k = 1; k < name.length(); k++) {
      char c = name.charAt(k);
      if (!isLowerAlnum(c) && c != '+' && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** {@code [a-z0-9][a-z0-9-]*}, the ARCHITECTURE pattern, checked by hand for speed. */
  private static boolean isArchitecture(String arch) {
    if (arch.isEmpty() || !isLowerAlnum(arch.charAt(0))) {
      return false;
    }
    for (int k = 1; k < arch.length(); k++) {
      char c = arch.charAt(k);
      if (!isLowerAlnum(c) && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLowerAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static boolean allDigits(String value) {
    for (int k = 0; k < value.length(); k++) {
      char c = value.charAt(k);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static DebianMetadataException bad(String message) {
    return new DebianMetadataException(DebianMetadataException.Kind.BAD_INDEX, message);
  }

  /** A value from the index as a message shows it: control characters escaped (a CR would break the line), capped. */
  private static String abbreviate(String s) {
    return dev.sealbuild.formats.io.Printable.quoted(s, 80);
  }
}
