package dev.sealbuild.builder.apk;

import dev.sealbuild.formats.apk.PkgInfo;
import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.builder.fs.ImageTree;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an Alpine package states about itself: from its {@code .PKGINFO} ({@code pkgname}, {@code pkgver},
 * {@code arch}, {@code license}, {@code maintainer}, {@code url}, {@code pkgdesc}) or from its stanza in an
 * installed database ({@code P V A L m U T}). A field the package does not state is empty.
 */
public record ApkMetadata(String name, String version, String arch, String license, String maintainer, String url,
    String description) {

  /** Reads only the package's metadata segment; nothing of its data is placed anywhere. */
  public static ApkMetadata read(InputStream apk, Decompressors decompressors, ContentSpool spool, String label)
      throws IOException {
    ImageTree unused = new ImageTree(label, 0, 1);
    PkgInfo info = new ApkArchive(decompressors, spool, new ImageAccounts(Map.of(), Map.of())).readInfo(apk, unused, 0, label);
    return new ApkMetadata(info.name(), info.version(), info.get("arch"), info.get("license"), info.get("maintainer"),
        info.get("url"), info.get("pkgdesc"));
  }

  /** The packages of an installed database ({@code /lib/apk/db/installed}), in its order. */
  public static List<ApkMetadata> installed(String db) {
    List<ApkMetadata> packages = new ArrayList<>();
    Map<Character, String> fields = new LinkedHashMap<>();
    for (String line : (db + "\n\n").split("\n", -1)) {
      if (line.isEmpty()) {
        if (fields.containsKey('P')) {
          packages.add(new ApkMetadata(fields.get('P'), fields.getOrDefault('V', ""), fields.getOrDefault('A', ""),
              fields.getOrDefault('L', ""), fields.getOrDefault('m', ""), fields.getOrDefault('U', ""),
              fields.getOrDefault('T', "")));
        }
        fields.clear();
      } else if (line.length() >= 2 && line.charAt(1) == ':') {
        fields.putIfAbsent(line.charAt(0), line.substring(2));
      }
    }
    return List.copyOf(packages);
  }
}
