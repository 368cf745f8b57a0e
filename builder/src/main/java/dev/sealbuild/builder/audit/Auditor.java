package dev.sealbuild.builder.audit;

import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.builder.fs.Content;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.image.ImageAssembler;
import dev.sealbuild.builder.inspect.ImageReadException;
import dev.sealbuild.builder.inspect.LayerEntries;
import dev.sealbuild.builder.inspect.StoredImage;
import dev.sealbuild.formats.io.Printable;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.StageBases;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.formats.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Accounts for every entry of every layer of an image against the project that claims to have built it: the build is
 * replayed offline from spec, lock and cache (nothing is written), recording which pinned input wrote each path.
 * A layer whose blob is a pinned base image layer is the base's; any other entry must match, by type and bytes (or
 * link target) and mode and owner, something the replay wrote at that path, or it is unaccounted.
 */
public final class Auditor {
  private final ImageAssembler assembler;
  private final DecompressionLimits limits;

  public Auditor(ImageAssembler assembler, DecompressionLimits limits) {
    this.assembler = assembler;
    this.limits = limits;
  }

  /** What the replay wrote at a path, and from which input. */
  private record Expected(Node node, Sha256 sha256, Origin origin) {}

  public AuditReport audit(StoredImage image, BuildSpec spec, Lockfile lock, Path specDir, long epoch, Path workDir) throws IOException {
    List<AuditedFile> files = new ArrayList<>();
    for (StoredImage.StoredPlatform platformImage : image.platforms()) {
      Platform platform = platformImage.platform();
      if (!spec.platforms().contains(platform)) {
        throw new ImageReadException(image.source() + " holds a " + platform + " image, which the spec does not build (it builds "
            + spec.platforms() + ")");
      }
      // On base: {stage: ...}, the base image is the one the stage chain ends in, and the chain's stages add files too.
      Map<String, Origin> baseLayers = baseLayers(StageBases.rootLock(spec, lock, spec.base(), lock), platform);
      Map<String, List<Expected>> expected = replay(spec, lock, specDir, epoch, platform, Files.createTempDirectory(workDir, "replay"));
      Set<String> ancestors = ancestors(expected.keySet());
      for (int i = 0; i < platformImage.layers().size(); i++) {
        StoredImage.Layer layer = platformImage.layers().get(i);
        Origin base = baseLayers.get(layer.digest().toString());
        readLayer(platform.toString(), i + 1, layer, base, expected, ancestors, files);
      }
    }
    return new AuditReport(image.source(), files);
  }

  private static Map<String, Origin> baseLayers(Lockfile lock, Platform platform) {
    Map<String, Origin> layers = new HashMap<>();
    LockedBaseImage base = lock.baseImage();
    if (base != null) {
      LockedPlatformImage image = base.platform(platform).orElse(null);
      if (image != null) {
        for (int i = 0; i < image.layers().size(); i++) {
          LockedDescriptor d = image.layers().get(i);
          layers.put(d.digest().toString(), new Origin("base-image", base.reference() + " (" + base.root().digest() + ") layer " + (i + 1)));
        }
      }
    }
    return layers;
  }

  private Map<String, List<Expected>> replay(BuildSpec spec, Lockfile lock, Path specDir, long epoch, Platform platform, Path dir)
      throws IOException {
    Map<String, List<Expected>> expected = new HashMap<>();
    Map<String, LockedPackage> packages = new HashMap<>();
    Map<String, String> pins = new HashMap<>();
    List<BuildSpec> specs = new ArrayList<>(List.of(spec));
    spec.baseChain(spec.base()).forEach(stage -> specs.add(spec.stage(stage)));
    List<Lockfile> locks = StageBases.imageChain(spec, lock);
    for (int s = 0; s < specs.size(); s++) {
      Lockfile scope = locks.get(s);
      for (LockedPackage p : scope.installedPackages()) {
        packages.put("package " + p.name() + " " + p.version(), p);
      }
      for (int i = 0; i < specs.get(s).files().size(); i++) {
        String url = specs.get(s).files().get(i).url().toString();
        scope.file(url).ifPresent(f -> pins.put(url, f.sha256().toString()));
      }
      if (scope.rootfs() != null) {
        pins.put(scope.rootfs().source(), scope.rootfs().sha256().toString());
      }
    }
    String[] source = {"sealbuild"};
    ImageAssembler.ReplayObserver observer = new ImageAssembler.ReplayObserver() {
      @Override
      public void sourceStarting(String description) {
        source[0] = description;
      }

      @Override
      public void layerDone(String createdBy) {}

      @Override
      public void written(EntryPath resolved, Node node, Node replaced) {
        Sha256 sha = null;
        Origin origin = originOf(source[0], null, packages, pins);
        if (node instanceof Node.RegularFile file) {
          sha = digest(file.content());
          origin = originOf(source[0], file.content().origin(), packages, pins);
        }
        expected.computeIfAbsent(resolved.value(), k -> new ArrayList<>()).add(new Expected(node, sha, origin));
      }

      @Override
      public void whitedOut(EntryPath resolved) {
        String whiteout = (resolved.parent().isRoot() ? "" : resolved.parent().value() + "/") + ".wh." + resolved.name();
        expected.computeIfAbsent(whiteout, k -> new ArrayList<>()).add(new Expected(null, null,
            new Origin("whiteout", "deletes " + resolved + " (" + source[0] + ")")));
      }
    };
    try (ImageAssembler.Replayed replayed = assembler.replay(spec, lock, specDir, epoch, platform, dir, observer)) {
      return expected;
    }
  }

  private static Sha256 digest(Content content) {
    return content.knownDigest().orElseGet(() -> {
      try (InputStream in = content.open()) {
        return Sha256.hash(in);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /** Names the pinned input behind a write: the source, refined by the content's own origin for packages. */
  private static Origin originOf(String source, String contentOrigin, Map<String, LockedPackage> packages, Map<String, String> pins) {
    if (contentOrigin != null && contentOrigin.startsWith("generated")) {
      return new Origin("generated", "sealbuild, " + contentOrigin + " (" + source + ")");
    }
    if (contentOrigin != null && contentOrigin.startsWith("package ")) {
      int colon = contentOrigin.lastIndexOf(':');
      String label = colon > 0 ? contentOrigin.substring(0, colon) : contentOrigin;
      LockedPackage p = packages.get(label);
      return new Origin("package", p == null ? label
          : "package " + p.name() + " " + p.version() + " (" + p.architecture() + ") from " + p.repository() + ", " + p.sha256());
    }
    if (contentOrigin != null && contentOrigin.startsWith("run step")) {
      return new Origin("step", contentOrigin + (source.startsWith("run step") ? "" : ", through " + source));
    }
    if (source.startsWith("run step")) {
      return new Origin("step", source);
    }
    if (source.startsWith("files[")) {
      String url = source.substring(source.indexOf(' ') + 1);
      return new Origin("file", source + (pins.containsKey(url) ? ", " + pins.get(url) : ""));
    }
    if (source.startsWith("copy[")) {
      return new Origin("copy", source);
    }
    if (source.startsWith("base rootfs")) {
      String rootfs = source.substring("base rootfs ".length());
      return new Origin("rootfs", source + (pins.containsKey(rootfs) ? ", " + pins.get(rootfs) : ""));
    }
    if (source.startsWith("base image")) {
      return new Origin("base-image", source);
    }
    return new Origin("generated", "sealbuild (" + source + ")");
  }

  private static Set<String> ancestors(Set<String> paths) {
    Set<String> all = new HashSet<>();
    for (String p : paths) {
      for (int slash = p.lastIndexOf('/'); slash > 0; slash = p.lastIndexOf('/', slash - 1)) {
        if (!all.add(p.substring(0, slash))) {
          break;
        }
      }
    }
    return all;
  }

  private void readLayer(String platform, int index, StoredImage.Layer layer, Origin base, Map<String, List<Expected>> expected,
      Set<String> ancestors, List<AuditedFile> out) throws IOException {
    Map<String, Sha256> contentByPath = new HashMap<>();
    LayerEntries.forEach(layer.file(), layer.mediaType(), "layer " + index + " (" + layer.digest() + ")", limits, (path, link, e, data) -> {
      String type = typeOf(e, path);
      Sha256 sha = null;
      if (dev.sealbuild.formats.tar.TarReader.isRegularFile(e)) {
        sha = Sha256.hash(data);
        contentByPath.put(path, sha);
      }
      Origin origin = base != null ? base : account(link, path, type, sha, e, expected, ancestors, contentByPath);
      out.add(new AuditedFile(platform, index, layer.digest().toString(), "/" + Printable.of(path), type,
          sha == null ? null : sha.toString(), origin));
    });
  }

  private static String typeOf(TarArchiveEntry e, String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    if (dev.sealbuild.formats.tar.Whiteout.isWhiteoutName(name)) {
      return "whiteout";
    }
    if (e.isDirectory()) {
      return "dir";
    }
    if (e.isSymbolicLink()) {
      return "symlink";
    }
    if (e.isLink()) {
      return "hardlink";
    }
    if (e.isCharacterDevice() || e.isBlockDevice()) {
      return "device";
    }
    if (e.isFIFO()) {
      return "fifo";
    }
    return "file";
  }

  private static Origin account(String link, String path, String type, Sha256 sha, TarArchiveEntry e, Map<String, List<Expected>> expected,
      Set<String> ancestors, Map<String, Sha256> contentByPath) {
    List<Expected> candidates = expected.getOrDefault(path, List.of());
    if (candidates.isEmpty()) {
      if (type.equals("dir") && ancestors.contains(path)) {
        return new Origin("generated", "sealbuild (parent directory)");
      }
      return Origin.unaccounted("no pinned input puts anything at this path");
    }
    String mismatch = null;
    for (Expected x : candidates) {
      if (x.node() == null) {
        if (type.equals("whiteout")) {
          return x.origin();
        }
        continue;
      }
      String why = mismatch(link, type, sha, e, x, contentByPath);
      if (why == null) {
        return x.origin();
      }
      mismatch = why;
    }
    return Origin.unaccounted(mismatch + " (expected from " + candidates.get(candidates.size() - 1).origin().description() + ")");
  }

  /** Null when the entry is what the replay wrote, else why not. */
  private static String mismatch(String link, String type, Sha256 sha, TarArchiveEntry e, Expected x, Map<String, Sha256> contentByPath) {
    Node node = x.node();
    switch (type) {
      case "file" -> {
        if (!(node instanceof Node.RegularFile)) {
          return "a file where the build puts a " + kind(node);
        }
        if (!sha.equals(x.sha256())) {
          return "bytes " + sha + " match no pinned input";
        }
      }
      case "hardlink" -> {
        String target = LayerEntries.normalize(link);
        Sha256 linked = contentByPath.get(target);
        if (!(node instanceof Node.RegularFile) || linked == null || !linked.equals(x.sha256())) {
          return "a hard link whose bytes match no pinned input";
        }
      }
      case "symlink" -> {
        if (!(node instanceof Node.Symlink symlink) || !symlink.target().equals(link)) {
          return "symlink to " + Printable.of(link) + " where the build puts " + kind(node);
        }
      }
      case "dir" -> {
        if (!(node instanceof Node.Directory)) {
          return "a directory where the build puts a " + kind(node);
        }
      }
      case "device", "fifo" -> {
        if (!(node instanceof Node.Special)) {
          return "a " + type + " where the build puts a " + kind(node);
        }
      }
      default -> {
        return "a " + type + " the build never writes";
      }
    }
    int mode = e.getMode() & 07777;
    if (mode != node.meta().mode() || e.getLongUserId() != node.meta().uid() || e.getLongGroupId() != node.meta().gid()) {
      return String.format("mode %04o owner %d:%d where the build gives %04o %d:%d", mode, e.getLongUserId(), e.getLongGroupId(),
          node.meta().mode(), node.meta().uid(), node.meta().gid());
    }
    return null;
  }

  private static String kind(Node node) {
    if (node instanceof Node.Directory) {
      return "directory";
    }
    if (node instanceof Node.Symlink link) {
      return "symlink to " + Printable.of(link.target());
    }
    if (node instanceof Node.Special) {
      return "special file";
    }
    return "file";
  }
}
