package dev.sealbuild.builder.image;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The verified blobs of the vendor cache a build reads, each with the label its error names: the base rootfs, the
 * base image's config and layers, {@code files:} and packages, of the image and of every stage. A build needs every
 * one present, even when its layers come from the layer cache.
 */
public final class CachedInputs {
  /** One blob the build needs, and how an error names it. */
  public record Required(Sha256 digest, String label) {}

  private CachedInputs() {}

  public static List<Required> of(BuildSpec spec, Lockfile lock) {
    List<Required> required = new ArrayList<>();
    add(spec, lock, "", required);
    for (String stage : spec.stages().keySet()) {
      add(spec.stage(stage), lock.stage(stage), "stage " + stage + ": ", required);
    }
    return required;
  }

  private static void add(BuildSpec spec, Lockfile lock, String prefix, List<Required> required) {
    if (lock.rootfs() != null) {
      required.add(new Required(lock.rootfs().sha256(), prefix + "base rootfs " + lock.rootfs().source()));
    }
    if (lock.baseImage() != null) {
      for (Platform platform : spec.platforms()) {
        lock.baseImage().platform(platform).ifPresent(image -> {
          String label = prefix + "base image " + lock.baseImage().reference() + " (" + platform + ")";
          required.add(new Required(image.config().digest(), label + " config"));
          for (int i = 0; i < image.layers().size(); i++) {
            required.add(new Required(image.layers().get(i).digest(), label + " layer " + (i + 1)));
          }
        });
      }
    }
    for (int i = 0; i < spec.files().size(); i++) {
      String url = spec.files().get(i).url().toString();
      required.add(new Required(lock.file(url).orElseThrow().sha256(), prefix + "files[" + i + "] " + url));
    }
    for (LockedPackage p : lock.packageList()) {
      required.add(new Required(p.sha256(), prefix + "package " + p.label()));
    }
  }
}
