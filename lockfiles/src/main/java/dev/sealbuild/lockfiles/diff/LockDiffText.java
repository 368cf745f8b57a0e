package dev.sealbuild.lockfiles.diff;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The human form of a {@link LockDiff}: one section per kind of input, one aligned line per entry
 * ({@code + added}, {@code - removed}, {@code ~ changed}), and a closing summary line. Digests are shortened to
 * 12 hex characters; {@code --json} has them whole.
 */
public final class LockDiffText {
  private static final int SHORT_HEX = 12;

  private LockDiffText() {}

  public static List<String> lines(LockDiff diff) {
    List<String> out = sections(diff);
    diff.stageMap().forEach((name, stage) -> {
      out.add("stage '" + name + "':");
      sections(stage).forEach(line -> out.add("  " + line));
    });
    out.add(summary(diff));
    return out;
  }

  /** The sections of one lock's differences, without its stages and summary. */
  private static List<String> sections(LockDiff diff) {
    List<String> out = new ArrayList<>();
    if (!diff.packages().isEmpty()) {
      out.add("packages:");
      out.addAll(packages(diff.packages()));
    }
    if (!diff.files().isEmpty()) {
      out.add("files:");
      int width = diff.files().stream().mapToInt(f -> f.url().length()).max().orElse(0);
      for (FileChange f : diff.files()) {
        out.add(("  " + f.change().sign() + " " + pad(f.url(), width) + "  " + digests(f.fromSha256(), f.toSha256())).stripTrailing());
      }
    }
    if (diff.rootfs() != null) {
      RootfsChange r = diff.rootfs();
      out.add("rootfs:");
      String source = r.fromSource() == null || r.toSource() == null || r.fromSource().equals(r.toSource())
          ? (r.toSource() != null ? r.toSource() : r.fromSource()) : r.fromSource() + " -> " + r.toSource();
      out.add("  " + r.change().sign() + " " + source + "  " + digests(r.fromSha256(), r.toSha256()));
    }
    if (diff.baseImage() != null) {
      BaseImageChange b = diff.baseImage();
      out.add("base image:");
      String reference = b.fromReference() == null || b.toReference() == null || b.fromReference().equals(b.toReference())
          ? (b.toReference() != null ? b.toReference() : b.fromReference()) : b.fromReference() + " -> " + b.toReference();
      out.add("  " + b.change().sign() + " " + reference + "  " + digests(b.fromDigest(), b.toDigest()));
      int width = b.platforms().stream().mapToInt(p -> p.platform().toString().length()).max().orElse(0);
      for (BaseImageChange.PlatformManifestChange p : b.platforms()) {
        out.add("    " + p.change().sign() + " " + pad(p.platform().toString(), width) + "  " + digests(p.fromDigest(), p.toDigest()));
      }
    }
    if (!diff.repositories().isEmpty()) {
      out.add("repositories:");
      int width = diff.repositories().stream().mapToInt(r -> (r.repository() + " " + r.item()).length()).max().orElse(0);
      for (RepositoryChange r : diff.repositories()) {
        String dates = r.fromDate() != null && r.toDate() != null ? "  (" + r.fromDate() + " -> " + r.toDate() + ")" : "";
        out.add("  " + r.change().sign() + " " + pad(r.repository() + " " + r.item(), width) + "  "
            + digests(r.fromSha256(), r.toSha256()) + dates);
      }
    }
    if (!diff.removedFromBaseList().isEmpty()) {
      out.add("removed from base:");
      for (RemovalChange r : diff.removedFromBaseList()) {
        out.add("  " + r.change().sign() + " " + r.name() + " " + r.version() + "  on "
            + String.join(", ", r.platforms().stream().map(Object::toString).toList()));
      }
    }
    if (diff.specDigest() != null || diff.sourceDateEpoch() != null) {
      out.add("lock:");
      if (diff.specDigest() != null) {
        out.add("  ~ specDigest       " + digests(diff.specDigest().from(), diff.specDigest().to()));
      }
      if (diff.sourceDateEpoch() != null) {
        out.add("  ~ sourceDateEpoch  " + diff.sourceDateEpoch().from() + " -> " + diff.sourceDateEpoch().to());
      }
    }
    return out;
  }

  /** One line: what changed, by kind, or {@code no differences}. */
  public static String summary(LockDiff diff) {
    if (diff.isEmpty()) {
      return "no differences";
    }
    List<String> parts = ownParts(diff);
    diff.stageMap().forEach((name, stage) -> parts.add("stage '" + name + "': " + String.join(", ", ownParts(stage))));
    return String.join("; ", parts);
  }

  private static List<String> ownParts(LockDiff diff) {
    List<String> parts = new ArrayList<>();
    if (!diff.packages().isEmpty()) {
      parts.add(counts("packages", diff.packages().stream().map(PackageChange::change).toList()));
    }
    if (!diff.files().isEmpty()) {
      parts.add(counts("files", diff.files().stream().map(FileChange::change).toList()));
    }
    if (diff.rootfs() != null) {
      parts.add("rootfs " + past(diff.rootfs().change()));
    }
    if (diff.baseImage() != null) {
      parts.add("base image " + past(diff.baseImage().change()));
    }
    if (!diff.repositories().isEmpty()) {
      parts.add(counts("repositories", diff.repositories().stream().map(RepositoryChange::change).toList()));
    }
    if (!diff.removedFromBaseList().isEmpty()) {
      parts.add(counts("removals from base", diff.removedFromBaseList().stream().map(RemovalChange::change).toList()));
    }
    if (diff.specDigest() != null) {
      parts.add("spec changed");
    }
    if (diff.sourceDateEpoch() != null) {
      parts.add("epoch changed");
    }
    return parts;
  }

  /**
   * Aligned package lines. A change that covers only some of the platforms a package is on names them
   * ({@code on linux/amd64}); a rebuilt package (same version, other bytes) shows both digests; a package that
   * became build-only or stopped being says so ({@code now build-only}, {@code no longer build-only}).
   */
  private static List<String> packages(List<PackageChange> changes) {
    Map<String, TreeSet<String>> platformsOfPackage = new HashMap<>();
    for (PackageChange c : changes) {
      TreeSet<String> all = platformsOfPackage.computeIfAbsent(key(c), k -> new TreeSet<>());
      c.platforms().forEach(p -> all.add(p.toString()));
      c.unchangedOn().forEach(p -> all.add(p.toString()));
    }
    int nameWidth = changes.stream().mapToInt(c -> c.name().length()).max().orElse(0);
    List<String> versions = changes.stream().map(LockDiffText::versions).toList();
    int versionWidth = versions.stream().mapToInt(String::length).max().orElse(0);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      PackageChange c = changes.get(i);
      List<String> on = c.platforms().stream().map(Platform::toString).toList();
      boolean partial = !new TreeSet<>(on).equals(platformsOfPackage.get(key(c)));
      String place = c.nowBuildOnly() == null ? "" : c.nowBuildOnly() ? "now build-only" : "no longer build-only";
      String where = (partial ? " on " + String.join(", ", on) : "") + (place.isEmpty() ? "" : (partial ? ", " : " ") + place);
      lines.add("  " + c.change().sign() + " " + pad(c.name(), nameWidth) + "  " + pad(versions.get(i), versionWidth)
          + "  (" + c.architecture() + ")" + where);
    }
    return lines;
  }

  private static String key(PackageChange c) {
    return c.type() + " " + c.name() + " " + c.architecture();
  }

  private static String versions(PackageChange c) {
    if (c.contentOnly()) {
      return c.toVersion() + " rebuilt: " + digests(c.fromSha256(), c.toSha256());
    }
    return c.change() == Change.CHANGED && !c.fromVersion().equals(c.toVersion()) ? c.fromVersion() + " -> " + c.toVersion()
        : c.version();
  }

  private static String digests(Sha256 from, Sha256 to) {
    if (from == null) {
      return shortDigest(to);
    }
    if (to == null) {
      return shortDigest(from);
    }
    return shortDigest(from) + " -> " + shortDigest(to);
  }

  private static String shortDigest(Sha256 digest) {
    return Sha256.PREFIX + digest.hex().substring(0, SHORT_HEX);
  }

  private static String counts(String kind, List<Change> changes) {
    Map<Change, Long> byChange = changes.stream().collect(Collectors.groupingBy(c -> c, () -> new EnumMap<>(Change.class),
        Collectors.counting()));
    List<String> parts = new ArrayList<>();
    byChange.forEach((change, n) -> parts.add(n + " " + past(change)));
    return kind + ": " + String.join(", ", parts);
  }

  private static String past(Change change) {
    return switch (change) {
      case ADDED -> "added";
      case REMOVED -> "removed";
      case CHANGED -> "changed";
    };
  }

  private static String pad(String text, int width) {
    return text.length() >= width ? text : text + " ".repeat(width - text.length());
  }
}
