package dev.sealbuild.lockfiles.cache;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.lockfiles.lock.Lockfile;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The blobs of the vendor cache a lock needs, which are exactly what {@code build prep} puts there for it: the base
 * rootfs, the pinned files, the packages and the base image's manifests, configs and layers, of the image and of
 * every build stage. Derived data (facts, parsed indexes, the layer cache) is not among them: it is rebuilt from
 * these.
 */
public final class LockBlobs {
  private LockBlobs() {}

  /** The blobs {@code lock} needs, each once, in lock order (the image's first, then each stage's). */
  public static Map<Sha256, NeededBlob> of(Lockfile lock) {
    Map<Sha256, NeededBlob> needed = new LinkedHashMap<>();
    add(needed, "", lock);
    for (Map.Entry<String, Lockfile> stage : lock.stageMap().entrySet()) {
      add(needed, "stage '" + stage.getKey() + "' ", stage.getValue());
    }
    return needed;
  }

  /** The union over several locks, each blob once. */
  public static Map<Sha256, NeededBlob> of(Collection<Lockfile> locks) {
    Map<Sha256, NeededBlob> needed = new LinkedHashMap<>();
    for (Lockfile lock : locks) {
      of(lock).forEach(needed::putIfAbsent);
    }
    return needed;
  }

  private static void add(Map<Sha256, NeededBlob> needed, String where, Lockfile lock) {
    if (lock.rootfs() != null) {
      put(needed, lock.rootfs().sha256(), lock.rootfs().size(), where + "base rootfs " + lock.rootfs().source());
    }
    LockedBaseImage base = lock.baseImage();
    if (base != null) {
      String image = where + "base image " + base.reference();
      put(needed, base.root(), image + " manifest");
      for (LockedPlatformImage platform : base.platforms()) {
        put(needed, platform.manifest(), image + " " + platform.platform() + " manifest");
        put(needed, platform.config(), image + " " + platform.platform() + " config");
        for (int i = 0; i < platform.layers().size(); i++) {
          put(needed, platform.layers().get(i), image + " " + platform.platform() + " layer " + (i + 1));
        }
      }
    }
    for (LockedFile file : lock.files()) {
      put(needed, file.sha256(), file.size(), where + "file " + file.url());
    }
    for (LockedPackage p : lock.packageList()) {
      put(needed, p.sha256(), p.size(), where + "package " + p.name() + " " + p.version() + " " + p.architecture());
    }
  }

  private static void put(Map<Sha256, NeededBlob> needed, LockedDescriptor d, String label) {
    put(needed, d.digest(), d.size(), label);
  }

  private static void put(Map<Sha256, NeededBlob> needed, Sha256 digest, Long size, String label) {
    needed.putIfAbsent(digest, new NeededBlob(digest, size, label));
  }
}
