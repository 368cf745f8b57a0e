package dev.sealbuild.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Reads an OCI layout the way a test wants to check it: manifests, configs, and each layer's tar entries. */
final class OciLayoutReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;

  OciLayoutReader(Path dir) {
    this.dir = dir;
  }

  /** One tar entry as stored in the layer: what umoci's rootless unpack cannot show (owners). */
  record Entry(String name, char type, int mode, long uid, long gid, String uname, String gname, long mtime,
      String linkName, String sha256) {}

  JsonNode json(String digest) throws IOException {
    return JSON.readTree(blob(digest).toFile());
  }

  Path blob(String digest) {
    return dir.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
  }

  JsonNode rootDescriptor() throws IOException {
    return JSON.readTree(dir.resolve("index.json").toFile()).get("manifests").get(0);
  }

  /** The manifest of the only platform, or of the given architecture when the root is an index. */
  JsonNode manifest(String architecture) throws IOException {
    JsonNode root = rootDescriptor();
    JsonNode doc = json(root.get("digest").asText());
    if (doc.has("manifests")) {
      for (JsonNode m : doc.get("manifests")) {
        if (architecture == null || m.get("platform").get("architecture").asText().equals(architecture)) {
          return json(m.get("digest").asText());
        }
      }
      throw new AssertionError("no manifest for " + architecture);
    }
    return doc;
  }

  JsonNode config(JsonNode manifest) throws IOException {
    return json(manifest.get("config").get("digest").asText());
  }

  List<Map<String, Entry>> layers(JsonNode manifest) throws Exception {
    List<Map<String, Entry>> out = new ArrayList<>();
    for (JsonNode layer : manifest.get("layers")) {
      out.add(entries(blob(layer.get("digest").asText())));
    }
    return out;
  }

  static Map<String, Entry> entries(Path gzipLayer) throws Exception {
    Map<String, Entry> entries = new LinkedHashMap<>();
    try (InputStream in = new GzipCompressorInputStream(Files.newInputStream(gzipLayer));
        TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8")) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String sha = null;
        if (e.isFile()) {
          MessageDigest md = MessageDigest.getInstance("SHA-256");
          byte[] buf = new byte[65536];
          int n;
          while ((n = tar.read(buf)) > 0) {
            md.update(buf, 0, n);
          }
          sha = HexFormat.of().formatHex(md.digest());
        }
        char type = e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : e.isLink() ? 'h' : e.isFile() ? 'f' : '?';
        entries.put(e.getName(), new Entry(e.getName(), type, e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(),
            e.getUserName(), e.getGroupName(), e.getModTime().getTime() / 1000, e.getLinkName(), sha));
      }
    }
    return entries;
  }

  static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(Files.readAllBytes(file));
    return HexFormat.of().formatHex(md.digest());
  }
}
