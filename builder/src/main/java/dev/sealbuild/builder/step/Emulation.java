package dev.sealbuild.builder.step;

import dev.sealbuild.formats.UserError;
import dev.sealbuild.formats.oci.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Whether steps for a platform can run here: the host's own architecture, or one the kernel emulates through binfmt_misc. */
public final class Emulation {
  /** OCI architecture to the name of qemu-user-static's binfmt_misc entry. */
  private static final Map<String, String> QEMU = Map.of("amd64", "x86_64", "arm64", "aarch64", "arm", "arm",
      "386", "i386", "ppc64le", "ppc64le", "s390x", "s390x", "riscv64", "riscv64", "mips64le", "mips64el");
  private final String hostArchitecture;
  private final Path binfmt;

  Emulation(String hostArchitecture, Path binfmt) {
    this.hostArchitecture = hostArchitecture;
    this.binfmt = binfmt;
  }

  /** Fails with a one-line error when steps for {@code target} cannot run on this host. */
  public static void require(Platform target) throws IOException {
    new Emulation(ociArchitecture(System.getProperty("os.arch")), Path.of("/proc/sys/fs/binfmt_misc")).check(target);
  }

  void check(Platform target) throws IOException {
    if (!target.os().equals("linux")) {
      throw new UserError("build steps for " + text(target) + " cannot run: only linux platforms run build steps");
    }
    if (target.architecture().equals(hostArchitecture)) {
      return;
    }
    String qemu = QEMU.get(target.architecture());
    if (qemu != null && enabled(binfmt.resolve("status")) && enabled(binfmt.resolve("qemu-" + qemu))) {
      return;
    }
    throw new UserError("build steps for " + text(target) + " cannot run on this " + hostArchitecture + " host: no "
        + "binfmt_misc emulation is registered for it; install it with 'apt-get install qemu-user-static "
        + "binfmt-support' (it registers qemu-" + (qemu == null ? target.architecture() : qemu) + ")");
  }

  private static boolean enabled(Path entry) throws IOException {
    if (!Files.isRegularFile(entry)) {
      return false;
    }
    String text = Files.readString(entry, StandardCharsets.US_ASCII);
    return text.lines().findFirst().map(l -> l.trim().equals("enabled")).orElse(false);
  }

  private static String text(Platform p) {
    return p.os() + "/" + p.architecture() + (p.variant() == null ? "" : "/" + p.variant());
  }

  static String ociArchitecture(String javaArch) {
    return switch (javaArch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "386";
      default -> javaArch;
    };
  }
}
