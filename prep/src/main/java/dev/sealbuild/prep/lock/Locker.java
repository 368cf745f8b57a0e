package dev.sealbuild.prep.lock;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.ExcludedPackage;
import dev.sealbuild.lockfiles.lock.RemovedPackage;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.prep.cache.ContentMismatchException;
import dev.sealbuild.prep.packages.LockedBase;
import dev.sealbuild.prep.packages.PackageLocker;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.RepositorySpec;
import dev.sealbuild.lockfiles.spec.FileEntry;
import dev.sealbuild.lockfiles.spec.RootfsSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Pins every input of a spec. A {@code sha256} in the spec is authoritative; an input the previous lock
 * already pins is kept as is (no network); anything else is downloaded once into the cache to hash it. Every
 * file ends with its size recorded beside its sha256: a spec that pins only the hash costs one download (bounded
 * by the download limit) to learn the size, so that prep can stop any later download at that size. Each build stage
 * is pinned the same way, as a nested lock of its view ({@link BuildSpec#stage}) on top of the previous lock's stage.
 */
public final class Locker {
  private final Downloader downloader;
  private final LocalImporter localImporter;
  private final PackageLocker packages;
  private final BaseImages baseImages;

  /** Hashes a local file and puts it in the cache (for {@code rootfs: {path}}). */
  public interface LocalImporter {
    Downloader.Pinned importFile(Path file, String label) throws IOException;
  }

  /** Pins {@code base.image}; the previous pin is given so an unchanged reference stays where it was. */
  public interface BaseImages {
    LockedBaseImage lock(String reference, List<Platform> platforms, Optional<LockedBaseImage> previous) throws IOException;
  }

  public Locker(Downloader downloader, LocalImporter localImporter, PackageLocker packages, BaseImages baseImages) {
    this.downloader = downloader;
    this.localImporter = localImporter;
    this.packages = packages;
    this.baseImages = baseImages;
  }

  /**
   * One entry as {@code lock --dry-run} shows it: what would be pinned, and whether it needs a download; {@code stage}
   * names the build stage it belongs to (null for the image).
   */
  public record PlannedEntry(String kind, String name, String version, String sha256, Long size, String action, String stage) {
    public PlannedEntry(String kind, String name, String version, String sha256, Long size, String action) {
      this(kind, name, version, sha256, size, action, null);
    }

    PlannedEntry inStage(String name) {
      return new PlannedEntry(kind, this.name, version, sha256, size, action, name);
    }
  }

  /**
   * Pins the image's inputs and each stage's, every stage as a nested lock of its view. A URL pinned in one part
   * (the image or a stage, before or in this run) is pinned to the same bytes in every other part that has it.
   */
  public Lockfile lock(BuildSpec spec, Path specDir, Optional<Lockfile> previous, long sourceDateEpoch) throws IOException {
    Map<String, LockedFile> pinnedUrls = new TreeMap<>();
    previous.ifPresent(p -> {
      p.stageMap().values().forEach(stage -> stage.files().forEach(f -> pinnedUrls.put(f.url(), f)));
      p.files().forEach(f -> pinnedUrls.put(f.url(), f));
    });
    // Each stage after the stage it starts from, and the image after its base stage when it has one: packages on a
    // stage base resolve against what that stage installs.
    boolean imageFirst = !spec.base().isStage();
    Map<String, Lockfile> stages = new TreeMap<>();
    Map<String, Lockfile> previousStages = previous.map(Lockfile::stageMap).orElse(Map.of());
    Lockfile image = imageFirst ? lockOne(spec, specDir, previous, sourceDateEpoch, "", pinnedUrls, null, null) : null;
    for (String stage : spec.stageOrder()) {
      BuildSpec view = spec.stage(stage);
      stages.put(stage, lockOne(view, specDir, previousStage(previous, stage), sourceDateEpoch, "stage '" + stage + "' ",
          pinnedUrls, stageBase(spec, view.base(), stages), stageBase(spec, view.base(), previousStages)));
    }
    if (!imageFirst) {
      image = lockOne(spec, specDir, previous, sourceDateEpoch, "", pinnedUrls, stageBase(spec, spec.base(), stages),
          stageBase(spec, spec.base(), previousStages));
    }
    return image.withStages(stages);
  }

  /**
   * For a scope on {@code base: {stage: …}}: the base its stage chain ends in and the packages the chain's stages
   * install, from their locks; null for any other base.
   */
  private static LockedBase stageBase(BuildSpec spec, dev.sealbuild.lockfiles.spec.Base base, Map<String, Lockfile> stageLocks) {
    List<String> chain = spec.baseChain(base);
    if (chain.isEmpty()) {
      return null;
    }
    List<dev.sealbuild.lockfiles.lock.LockedPackage> installed = new ArrayList<>();
    List<RemovedPackage> removed = new ArrayList<>();
    Lockfile root = null;
    for (String stage : chain) {
      root = stageLocks.get(stage);
      if (root == null) {
        return LockedBase.SCRATCH;
      }
      installed.addAll(root.installedPackages());
      removed.addAll(root.removedList());
    }
    return new LockedBase(root.rootfs(), root.baseImage(), installed, removed);
  }

  private static Optional<Lockfile> previousStage(Optional<Lockfile> previous, String stage) {
    return previous.map(p -> p.stageMap().get(stage));
  }

  /** Pins one spec (the image's or a stage's view); {@code where} prefixes the labels of its downloads. */
  private Lockfile lockOne(BuildSpec spec, Path specDir, Optional<Lockfile> previous, long sourceDateEpoch, String where,
      Map<String, LockedFile> pinnedUrls, LockedBase stageBase, LockedBase previousStageBase) throws IOException {
    List<LockedFile> files = new ArrayList<>();
    for (int i = 0; i < spec.files().size(); i++) {
      FileEntry f = spec.files().get(i);
      String url = f.url().toString();
      Optional<LockedFile> old = previous.flatMap(p -> p.file(url)).or(() -> Optional.ofNullable(pinnedUrls.get(url)));
      if (f.sha256() != null) {
        Sha256 pinned = Sha256.ofHex(f.sha256());
        Long size = old.filter(o -> o.sha256().equals(pinned)).map(LockedFile::size).orElse(null);
        if (size == null) {
          size = downloader.downloadPinned(f.url(), where + "files[" + i + "]", pinned).size();
        }
        files.add(new LockedFile(url, pinned, size));
      } else if (old.isPresent()) {
        files.add(old.get());
      } else {
        Downloader.Pinned p = downloader.download(f.url(), where + "files[" + i + "]");
        files.add(new LockedFile(url, p.sha256(), p.size()));
      }
      pinnedUrls.put(url, files.get(files.size() - 1));
    }
    LockedRootfs rootfs = null;
    RootfsSource r = spec.base().rootfs();
    if (r != null) {
      Optional<LockedRootfs> old = previous.map(Lockfile::rootfs).filter(o -> o.source().equals(r.source()));
      if (r.sha256() != null) {
        Sha256 pinned = Sha256.ofHex(r.sha256());
        Long size = old.filter(o -> o.sha256().equals(pinned)).map(LockedRootfs::size).orElse(null);
        if (size == null) {
          size = r.url() != null ? downloader.downloadPinned(r.url(), where + "base rootfs", pinned).size()
              : importPinned(specDir.resolve(r.path()).normalize(), where + "base rootfs " + r.path(), pinned).size();
        }
        rootfs = new LockedRootfs(r.source(), pinned, size);
      } else if (old.isPresent()) {
        rootfs = old.get();
      } else if (r.url() != null) {
        Downloader.Pinned p = downloader.download(r.url(), where + "base rootfs");
        rootfs = new LockedRootfs(r.source(), p.sha256(), p.size());
      } else {
        Downloader.Pinned p = localImporter.importFile(specDir.resolve(r.path()).normalize(), where + "base rootfs " + r.path());
        rootfs = new LockedRootfs(r.source(), p.sha256(), p.size());
      }
    }
    LockedBaseImage image = spec.base().isImage()
        ? baseImages.lock(spec.base().image(), spec.platforms(), previous.map(Lockfile::baseImage))
        : null;
    // On a stage base, a kept closure is only right while the installed set it was resolved over is the same.
    Optional<Lockfile> keep = stageBase != null && !stageBase.equals(previousStageBase) ? Optional.empty() : previous;
    PackageLocker.Pinned pinned = pinPackages(spec, keep, stageBase != null ? stageBase : new LockedBase(rootfs, image));
    // An Alpine scope records its world as written; the image's /etc/apk/world is made from it.
    List<String> world = RepositorySpec.ALPINE.equals(spec.packageType()) ? spec.packages() : null;
    return new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), sourceDateEpoch, rootfs, image, files,
        pinned.repositories(), pinned.packages(), pinned.excluded(), null, world, pinned.removed());
  }

  private Downloader.Pinned importPinned(Path file, String label, Sha256 expected) throws IOException {
    Downloader.Pinned imported = localImporter.importFile(file, label);
    if (!imported.sha256().equals(expected)) {
      throw new ContentMismatchException("sha256 mismatch for " + label + ": expected " + expected + ", got "
          + imported.sha256() + "; the file changed or the spec is wrong");
    }
    return imported;
  }

  /** Packages are re-resolved when the spec changed; an unchanged spec keeps its pinned closure offline. */
  private PackageLocker.Pinned pinPackages(BuildSpec spec, Optional<Lockfile> previous, LockedBase base) throws IOException {
    if (spec.packagesWhileStepsRun().isEmpty()) {
      return new PackageLocker.Pinned(List.of(), List.of());
    }
    Optional<Lockfile> current = previous.filter(p -> p.specDigest().equals(SpecDigest.of(spec))
        && !(p.packageList().isEmpty() && p.removedList().isEmpty()));
    if (current.isPresent()) {
      return new PackageLocker.Pinned(current.get().repositoryList(), current.get().packageList(), current.get().excludedList(),
          current.get().removedList());
    }
    return packages.lock(spec, base);
  }

  /** The base as the spec pins it, when it does (a dry run downloads nothing to find out). */
  private static LockedRootfs pinnedRootfs(BuildSpec spec) {
    RootfsSource r = spec.base().rootfs();
    return r == null || r.sha256() == null ? null : new LockedRootfs(r.source(), Sha256.ofHex(r.sha256()), null);
  }

  /** What {@link #lock} would pin, without downloading or writing anything; a stage's entries name it. */
  public List<PlannedEntry> plan(BuildSpec spec, Optional<Lockfile> previous) throws IOException {
    Map<String, Lockfile> previousStages = previous.map(Lockfile::stageMap).orElse(Map.of());
    List<PlannedEntry> out = new ArrayList<>(planOne(spec, previous, stageBase(spec, spec.base(), previousStages)));
    for (String stage : spec.stageOrder()) {
      planOne(spec.stage(stage), previousStage(previous, stage), stageBase(spec, spec.stage(stage).base(), previousStages))
          .forEach(e -> out.add(e.inStage(stage)));
    }
    return out;
  }

  private List<PlannedEntry> planOne(BuildSpec spec, Optional<Lockfile> previous, LockedBase stageBase) throws IOException {
    List<PlannedEntry> out = new ArrayList<>();
    Optional<Lockfile> current = previous.filter(p -> p.specDigest().equals(SpecDigest.of(spec)));
    if (!spec.packagesWhileStepsRun().isEmpty()) {
      PackageLocker.Plan planned = current.isPresent()
          && !(current.get().packageList().isEmpty() && current.get().removedList().isEmpty())
          ? new PackageLocker.Plan(current.get().packageList().stream().map(p -> new PackageLocker.Planned(p.type(), p.name(),
              p.version(), p.architecture(), p.repository(), p.sha256(), p.size(), p.platforms(), p.buildOnly())).toList(),
              current.get().excludedList(), current.get().removedList())
          : packages.plan(spec, stageBase != null ? stageBase : current.map(l -> new LockedBase(l.rootfs(), l.baseImage()))
              .orElse(new LockedBase(pinnedRootfs(spec), null)));
      for (PackageLocker.Planned p : planned.packages()) {
        out.add(new PlannedEntry(p.type(), p.name(), p.version(), p.sha256() == null ? null : p.sha256().toString(), p.size(),
            p.architecture() + " from " + p.repository() + " for " + p.platforms()
                + (p.buildOnly() ? ", build only (while the run steps run)" : "")
                + (p.sha256() == null ? " (download to hash)" : "")));
      }
      for (ExcludedPackage e : planned.excluded()) {
        out.add(new PlannedEntry("excluded", e.name(), null, null, null,
            "not installed (exclude:) though needed by " + String.join(", ", e.neededBy()) + " for " + e.platforms()
                + (e.dependencies().isEmpty() ? "" : "; dropped: " + String.join(", ", e.dependencies()))));
      }
      for (RemovedPackage r : planned.removed()) {
        out.add(new PlannedEntry("removed", r.name(), r.version(), null, null, "removed from base for " + r.platforms()));
      }
    }
    if (spec.base().isImage()) {
      LockedBaseImage image = baseImages.lock(spec.base().image(), spec.platforms(), previous.map(Lockfile::baseImage));
      boolean kept = previous.map(Lockfile::baseImage).filter(o -> o.root().equals(image.root())).isPresent();
      out.add(new PlannedEntry("image", image.reference(), null, image.root().digest().toString(), image.root().size(),
          (kept ? "kept from lock: " : "resolved: ") + image.pinned() + " for "
              + image.platforms().stream().map(p -> p.platform().toString()).toList()));
    }
    RootfsSource r = spec.base().rootfs();
    if (r != null) {
      Optional<LockedRootfs> old = previous.map(Lockfile::rootfs).filter(o -> o.source().equals(r.source()));
      String sha = r.sha256() != null ? "sha256:" + r.sha256() : old.map(o -> o.sha256().toString()).orElse(null);
      String action = r.sha256() != null ? "pinned in spec" : old.isPresent() ? "kept from lock" : r.url() != null ? "download to hash" : "hash local file";
      out.add(new PlannedEntry("rootfs", r.source(), null, sha, old.map(LockedRootfs::size).orElse(null), action));
    }
    for (FileEntry f : spec.files()) {
      String url = f.url().toString();
      Optional<LockedFile> old = previous.flatMap(p -> p.file(url));
      String sha = f.sha256() != null ? "sha256:" + f.sha256() : old.map(o -> o.sha256().toString()).orElse(null);
      Long size = old.filter(o -> f.sha256() == null || o.sha256().equals(Sha256.ofHex(f.sha256())))
          .map(LockedFile::size).orElse(null);
      String action = f.sha256() != null ? (size != null ? "pinned in spec" : "pinned in spec (download to learn the size)")
          : old.isPresent() ? "kept from lock" : "download to hash";
      out.add(new PlannedEntry("file", url, null, sha, size, action));
    }
    return out;
  }
}
