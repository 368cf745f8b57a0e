package dev.sealbuild.builder.facts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Package facts by package blob: those recorded during this run (in memory), else the vendor cache's facts file
 * ({@code CACHE/facts/sha256/<hex>.json}). A file that does not parse, is of another schema or names another blob
 * counts as absent: the caller reads the package and records the facts again. Writing is best effort (a read-only
 * cache only loses the speed-up) and atomic: a temporary file in the same directory, renamed into place.
 */
public final class PackageFactsStore {
  /** Raised whenever what is recorded, or how it is derived, changes: older files are then recomputed. */
  static final int SCHEMA = 1;
  private static final long MAX_FILE_BYTES = 8L << 20;

  private final VendorCacheLayout layout;
  private final Map<Sha256, PackageFacts> known = new ConcurrentHashMap<>();

  public PackageFactsStore(VendorCacheLayout layout) {
    this.layout = layout;
  }

  /** The facts of blob {@code sha256}, from this run or the cache; empty when they must be read from the package. */
  public Optional<PackageFacts> find(Sha256 sha256) {
    PackageFacts facts = known.get(sha256);
    if (facts == null) {
      facts = readFile(sha256).orElse(null);
      if (facts != null) {
        known.putIfAbsent(sha256, facts);
      }
    }
    return Optional.ofNullable(facts);
  }

  /** Keeps {@code facts} for this run and writes them to the cache unless an identical file is there. */
  public void record(PackageFacts facts) {
    known.put(facts.sha256(), facts);
    if (!readFile(facts.sha256()).map(facts::equals).orElse(false)) {
      write(facts);
    }
  }

  private Optional<PackageFacts> readFile(Sha256 sha256) {
    Path file = layout.facts(sha256);
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_FILE_BYTES) {
        return Optional.empty();
      }
      return Optional.of(decode(CanonicalJson.mapper().readTree(Files.readAllBytes(file)), sha256));
    } catch (IOException | RuntimeException unusable) {
      return Optional.empty(); // absent, unreadable, cut short or not ours: recomputed from the package
    }
  }

  private void write(PackageFacts facts) {
    Path dir = layout.factsDir();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + facts.sha256().hex(), ".tmp");
      Files.write(temp, CanonicalJson.pretty(encode(facts)));
      try {
        Files.move(temp, layout.facts(facts.sha256()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, layout.facts(facts.sha256()), StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
    } catch (IOException | RuntimeException e) {
      // best effort: a cache that cannot take the file only means the package is read again next time
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // left behind in facts/; never read, as its name does not end in .json
        }
      }
    }
  }

  static ObjectNode encode(PackageFacts facts) {
    ObjectNode node = CanonicalJson.mapper().createObjectNode();
    node.put("schema", SCHEMA);
    node.put("sha256", facts.sha256().toString());
    if (facts instanceof PackageFacts.Deb deb) {
      node.put("type", "deb");
      node.put("control", deb.control());
      ArrayNode names = node.putArray("copyrightLicenses");
      deb.copyrightLicenses().forEach(names::add);
    } else if (facts instanceof PackageFacts.Apk apk) {
      node.put("type", "apk");
      node.put("name", apk.name());
      node.put("version", apk.version());
      node.put("arch", apk.arch());
      node.put("license", apk.license());
      node.put("maintainer", apk.maintainer());
      node.put("url", apk.url());
      node.put("description", apk.description());
    } else if (facts instanceof PackageFacts.Databases db) {
      node.put("type", "databases");
      node.put("apk", db.apk());
      node.put("dpkgStatus", db.dpkgStatus());
      ObjectNode dir = node.putObject("statusDir");
      db.statusDir().forEach(dir::put);
    }
    return node;
  }

  /** The facts a file holds; anything missing, mistyped or about another blob is an error. */
  static PackageFacts decode(JsonNode node, Sha256 expected) {
    if (!node.isObject() || !node.path("schema").isInt() || node.get("schema").intValue() != SCHEMA) {
      throw new IllegalArgumentException("not a facts file of schema " + SCHEMA);
    }
    Sha256 sha256 = Sha256.parse(text(node, "sha256"));
    if (!sha256.equals(expected)) {
      throw new IllegalArgumentException("facts of another blob");
    }
    return switch (text(node, "type")) {
      case "deb" -> {
        JsonNode names = node.get("copyrightLicenses");
        if (names == null || !names.isArray()) {
          throw new IllegalArgumentException("no copyrightLicenses");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode name : names) {
          if (!name.isTextual()) {
            throw new IllegalArgumentException("copyrightLicenses holds a non-string");
          }
          list.add(name.textValue());
        }
        yield new PackageFacts.Deb(sha256, text(node, "control"), list);
      }
      case "apk" -> new PackageFacts.Apk(sha256, text(node, "name"), text(node, "version"), text(node, "arch"),
          text(node, "license"), text(node, "maintainer"), text(node, "url"), text(node, "description"));
      case "databases" -> {
        JsonNode dir = node.get("statusDir");
        if (dir == null || !dir.isObject()) {
          throw new IllegalArgumentException("no statusDir");
        }
        java.util.TreeMap<String, String> files = new java.util.TreeMap<>();
        dir.fields().forEachRemaining(e -> files.put(e.getKey(), text(dir, e.getKey())));
        yield new PackageFacts.Databases(sha256, optionalText(node, "apk"), optionalText(node, "dpkgStatus"), files);
      }
      default -> throw new IllegalArgumentException("unknown package type");
    };
  }

  private static String optionalText(JsonNode node, String field) {
    return node.has(field) ? text(node, field) : null;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("no " + field);
    }
    return value.textValue();
  }
}
