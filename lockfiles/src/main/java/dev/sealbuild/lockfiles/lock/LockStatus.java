package dev.sealbuild.lockfiles.lock;

import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.FileEntry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Whether a lockfile still pins exactly what a spec declares, and if not, why (one reason per line). */
public record LockStatus(List<String> problems) {
  public boolean upToDate() {
    return problems.isEmpty();
  }

  public static LockStatus check(BuildSpec spec, Lockfile lock) {
    List<String> problems = new ArrayList<>();
    if (!lock.specDigest().equals(SpecDigest.of(spec))) {
      problems.add("the spec changed since the lock was written (spec digest " + SpecDigest.of(spec) + ", lock has " + lock.specDigest() + ")");
    }
    Set<String> declared = new LinkedHashSet<>();
    for (int i = 0; i < spec.files().size(); i++) {
      FileEntry f = spec.files().get(i);
      String url = f.url().toString();
      declared.add(url);
      var locked = lock.file(url);
      if (locked.isEmpty()) {
        problems.add("files[" + i + "] " + url + " is not pinned");
      } else if (f.sha256() != null && !locked.get().sha256().hex().equals(f.sha256())) {
        problems.add("files[" + i + "] " + url + " is pinned to " + locked.get().sha256() + " but the spec says sha256:" + f.sha256());
      }
    }
    for (LockedFile f : lock.files()) {
      if (!declared.contains(f.url())) {
        problems.add("the lock pins " + f.url() + " which the spec no longer declares");
      }
    }
    var rootfs = spec.base().rootfs();
    if (rootfs == null && lock.rootfs() != null) {
      problems.add("the lock pins rootfs " + lock.rootfs().source() + " but the spec's base is " + (spec.base().isStage() ? "stage '" + spec.base().stage() + "'" : "scratch"));
    } else if (rootfs != null) {
      if (lock.rootfs() == null || !lock.rootfs().source().equals(rootfs.source())) {
        problems.add("base rootfs " + rootfs.source() + " is not pinned");
      } else if (rootfs.sha256() != null && !lock.rootfs().sha256().hex().equals(rootfs.sha256())) {
        problems.add("base rootfs is pinned to " + lock.rootfs().sha256() + " but the spec says sha256:" + rootfs.sha256());
      }
    }
    String image = spec.base().image();
    LockedBaseImage lockedImage = lock.baseImage();
    if (image == null && lockedImage != null) {
      problems.add("the lock pins base image " + lockedImage.reference() + " but the spec has no base image");
    } else if (image != null) {
      if (lockedImage == null || !lockedImage.reference().equals(image)) {
        problems.add("base image " + image + " is not pinned");
      } else {
        for (var platform : spec.platforms()) {
          if (lockedImage.platform(platform).isEmpty()) {
            problems.add("base image " + image + " is not pinned for platform " + platform);
          }
        }
      }
    }
    for (RemovedPackage removed : lock.removedList()) {
      if (spec.base().isScratch()) {
        problems.add("the lock removes " + removed.name() + " " + removed.version() + " from the base, but the spec's base is scratch");
      } else if (!spec.platforms().containsAll(removed.platforms())) {
        problems.add("the lock removes " + removed.name() + " " + removed.version() + " for " + removed.platforms()
            + ", which the spec does not build");
      }
    }
    for (String stage : spec.stages().keySet()) {
      Lockfile pinned = lock.stageMap().get(stage);
      if (pinned == null) {
        problems.add("stage '" + stage + "' is not pinned");
      } else {
        check(spec.stage(stage), pinned).problems().forEach(p -> problems.add("stage '" + stage + "': " + p));
      }
    }
    for (String stage : lock.stageMap().keySet()) {
      if (!spec.stages().containsKey(stage)) {
        problems.add("the lock pins stage '" + stage + "' which the spec no longer declares");
      }
    }
    return new LockStatus(List.copyOf(problems));
  }

  public String summary() {
    return String.join("; ", problems);
  }
}
