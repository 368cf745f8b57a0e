package dev.sealbuild.builder.inspect;

import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.formats.compress.DecompressionLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What differs between two images, platform by platform: the image digests, the base image digest (from the
 * manifests' base annotations), packages added, removed or changed (read from each image's package databases),
 * and files added, removed or changed once the layers are stacked.
 */
public record ImageDiff(String fromDigest, String toDigest, List<PlatformDiff> platforms) {
  /** {@code sign} is {@code +}, {@code -} or {@code ~}. */
  public record Change(String sign, String name, String from, String to) {}

  public record PlatformDiff(String platform, String fromBase, String toBase, List<Change> packages, List<Change> files) {
    boolean isEmpty() {
      return Objects.equals(fromBase, toBase) && packages.isEmpty() && files.isEmpty();
    }
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isEmpty() {
    return Objects.equals(fromDigest, toDigest) || platforms.stream().allMatch(PlatformDiff::isEmpty);
  }

  public static ImageDiff between(StoredImage from, StoredImage to, DecompressionLimits limits) throws IOException {
    List<PlatformDiff> platforms = new ArrayList<>();
    List<Platform> names = new ArrayList<>();
    from.platforms().forEach(p -> names.add(p.platform()));
    to.platforms().stream().map(StoredImage.StoredPlatform::platform).filter(p -> !names.contains(p)).forEach(names::add);
    for (Platform platform : names) {
      StoredImage.StoredPlatform a = from.platforms().stream().filter(p -> p.platform().equals(platform)).findFirst().orElse(null);
      StoredImage.StoredPlatform b = to.platforms().stream().filter(p -> p.platform().equals(platform)).findFirst().orElse(null);
      ImageContents ca = a == null ? new ImageContents(Map.of(), Map.of(), Map.of()) : ImageContents.of(a, limits);
      ImageContents cb = b == null ? new ImageContents(Map.of(), Map.of(), Map.of()) : ImageContents.of(b, limits);
      List<Change> packages = new ArrayList<>();
      for (String name : ImageContents.union(ca.packages(), cb.packages())) {
        change(name, ca.packages().get(name), cb.packages().get(name), packages);
      }
      List<Change> files = new ArrayList<>();
      for (String path : ImageContents.union(ca.files(), cb.files())) {
        ImageContents.Entry x = ca.files().get(path);
        ImageContents.Entry y = cb.files().get(path);
        if (x != null && y != null && x.equals(y)) {
          continue;
        }
        change("/" + path, x == null ? null : x.describe(), y == null ? null : y.describe(), files);
      }
      platforms.add(new PlatformDiff(platform.toString(), a == null ? null : a.image().baseDigest(), b == null ? null : b.image().baseDigest(), packages, files));
    }
    return new ImageDiff(from.root() == null ? null : from.root().toString(), to.root() == null ? null : to.root().toString(), platforms);
  }

  private static void change(String name, String from, String to, List<Change> out) {
    if (from == null) {
      out.add(new Change("+", name, null, to));
    } else if (to == null) {
      out.add(new Change("-", name, from, null));
    } else if (!from.equals(to)) {
      out.add(new Change("~", name, from, to));
    }
  }

  /** The human form: per platform, base, packages and files, then one summary line. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    if (!Objects.equals(fromDigest, toDigest)) {
      out.add("image: " + fromDigest + " -> " + toDigest);
    }
    int packages = 0;
    int files = 0;
    for (PlatformDiff p : platforms) {
      if (!Objects.equals(p.fromBase(), p.toBase())) {
        out.add("base image (" + p.platform() + "): " + p.fromBase() + " -> " + p.toBase());
      }
      if (!p.packages().isEmpty()) {
        out.add("packages (" + p.platform() + "):");
        for (Change c : p.packages()) {
          out.add("  " + c.sign() + " " + c.name() + " " + (c.sign().equals("~") ? c.from() + " -> " + c.to() : c.from() != null ? c.from() : c.to()));
        }
      }
      if (!p.files().isEmpty()) {
        out.add("files (" + p.platform() + "):");
        for (Change c : p.files()) {
          out.add("  " + c.sign() + " " + c.name() + (c.sign().equals("~") ? "  " + c.from() + " -> " + c.to() : ""));
        }
      }
      packages += p.packages().size();
      files += p.files().size();
    }
    out.add(isEmpty() ? "no differences" : "packages: " + packages + " changed; files: " + files + " changed");
    return out;
  }
}
