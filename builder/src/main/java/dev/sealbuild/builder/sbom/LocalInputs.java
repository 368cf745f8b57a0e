package dev.sealbuild.builder.sbom;

import dev.sealbuild.builder.source.LocalFileDigests;
import dev.sealbuild.builder.source.BuildContext;
import dev.sealbuild.builder.source.LocalCopySource;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.spec.CopyEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The regular files the spec's {@code copy:} entries take from next to the spec, each named by its path relative
 * to the spec's directory and hashed from disk (SHA-256, and SHA-1 for SPDX, which requires it of files). The
 * source is found and checked exactly as {@code build image} finds it; symlinks are copied as links and carry no
 * content, so they are not listed.
 */
final class LocalInputs {
  private final BuildContext context;

  LocalInputs(BuildContext context) {
    this.context = context;
  }

  /** One component per distinct source file; a file two entries copy is listed once, with both destinations. */
  List<SbomComponent> describe(List<CopyEntry> entries) throws IOException {
    Map<String, List<String>> destinations = new TreeMap<>();
    Map<String, Path> sources = new TreeMap<>();
    Path base = context.specDir().toRealPath();
    for (int i = 0; i < entries.size(); i++) {
      CopyEntry entry = entries.get(i);
      if (entry.from() != null || entry.temporary() || entry.content() != null) {
        continue; // not a local file in the image: a stage's result, read only by run steps, or the spec's own text
      }
      Path src = new LocalCopySource(i, entry, context).source();
      List<Path> files;
      if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
        try (Stream<Path> walk = Files.walk(src)) {
          files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
      } else {
        files = Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS) ? List.of(src) : List.of();
      }
      for (Path file : files) {
        String dest;
        if (file.equals(src)) {
          dest = entry.dest().relative();
          if (entry.dest().isDirectoryHint() || dest.isEmpty()) {
            dest = join(dest, src.getFileName().toString());
          }
        } else {
          dest = join(entry.dest().relative(), slashed(src.relativize(file)));
        }
        String relative = slashed(base.relativize(file));
        sources.put(relative, file);
        destinations.computeIfAbsent(relative, k -> new ArrayList<>()).add("copy[" + i + "] to /" + dest);
      }
    }
    List<SbomComponent> components = new ArrayList<>();
    Iterator<LocalFileDigests.Digests> read = context.localFiles().ofAll(List.copyOf(sources.values())).iterator();
    for (Map.Entry<String, Path> source : sources.entrySet()) {
      LocalFileDigests.Digests digests = read.next();
      components.add(new SbomComponent(SbomComponent.Kind.LOCAL_FILE,
          SbomComponent.refOf("file", source.getKey(), digests.sha256().hex().substring(0, 12)), source.getKey(), null, null,
          null, null, null, null, digests.sha256(), digests.sha1Hex(), null, null, null, List.of(),
          String.join("; ", destinations.get(source.getKey()))));
    }
    return components;
  }

  private static String join(String dir, String name) {
    return dir.isEmpty() ? name : name.isEmpty() ? dir : dir + "/" + name;
  }

  private static String slashed(Path relative) {
    List<String> parts = new ArrayList<>();
    relative.forEach(p -> parts.add(p.toString()));
    return String.join("/", parts);
  }
}
