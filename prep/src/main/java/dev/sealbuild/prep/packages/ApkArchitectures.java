package dev.sealbuild.prep.packages;

import dev.sealbuild.formats.oci.Platform;
import java.util.Map;

/** OCI platforms to Alpine (apk) architecture names. */
public final class ApkArchitectures {
  private static final Map<String, String> BY_PLATFORM = Map.of(
      "linux/amd64", "x86_64", "linux/arm64", "aarch64", "linux/arm64/v8", "aarch64", "linux/arm/v7", "armv7",
      "linux/arm/v6", "armhf", "linux/386", "x86", "linux/ppc64le", "ppc64le", "linux/s390x", "s390x",
      "linux/riscv64", "riscv64");

  private ApkArchitectures() {}

  public static String of(Platform platform) {
    String arch = BY_PLATFORM.get(platform.toString());
    if (arch == null) {
      throw new PackageException("platform " + platform + " has no Alpine architecture; use one of " + new java.util.TreeSet<>(BY_PLATFORM.keySet()));
    }
    return arch;
  }
}
