package dev.sealbuild.prep.packages;

import dev.sealbuild.formats.oci.Platform;
import java.util.Map;

/** OCI platforms to Debian architecture names. */
public final class DebianArchitectures {
  private static final Map<String, String> BY_PLATFORM = Map.of(
      "linux/amd64", "amd64", "linux/arm64", "arm64", "linux/arm64/v8", "arm64", "linux/arm/v7", "armhf",
      "linux/arm/v5", "armel", "linux/386", "i386", "linux/ppc64le", "ppc64el", "linux/s390x", "s390x",
      "linux/mips64le", "mips64el", "linux/riscv64", "riscv64");

  private DebianArchitectures() {}

  public static String of(Platform platform) {
    String arch = BY_PLATFORM.get(platform.toString());
    if (arch == null) {
      throw new PackageException("platform " + platform + " has no Debian architecture; use one of " + new java.util.TreeSet<>(BY_PLATFORM.keySet()));
    }
    return arch;
  }
}
