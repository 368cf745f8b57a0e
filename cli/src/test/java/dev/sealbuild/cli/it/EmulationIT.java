package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.Requirements;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step for linux/arm64 on the aarch64 Alpine minirootfs: it runs through the kernel's binfmt_misc emulation when
 * qemu-aarch64 is registered (or natively on an arm64 host), and otherwise the build stops with one line naming the
 * platform and how to enable emulation. Which of the two this host does is read from /proc, as the builder reads it.
 */
class EmulationIT {
  private static final Path BINFMT = Path.of("/proc/sys/fs/binfmt_misc");

  @TempDir Path project;

  private static boolean enabled(Path entry) throws Exception {
    return Files.isRegularFile(entry)
        && Files.readString(entry, StandardCharsets.US_ASCII).lines().findFirst().orElse("").trim().equals("enabled");
  }

  private static boolean arm64StepsCanRun() throws Exception {
    String arch = System.getProperty("os.arch");
    return arch.equals("aarch64") || arch.equals("arm64")
        || (enabled(BINFMT.resolve("status")) && enabled(BINFMT.resolve("qemu-aarch64")));
  }

  @Test
  void anArm64StepRunsUnderEmulationOrFailsNamingThePlatformAndHowToEnableIt() throws Exception {
    Requirements.requireTools("runc", "unshare", "umoci");
    Files.copy(Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-aarch64.tar.gz"), project.resolve("rootfs.tar.gz"));
    Files.writeString(project.resolve("build.yaml"), """
        name: emulated
        platforms: [linux/arm64]
        base:
          rootfs: {path: rootfs.tar.gz}
        run:
          - uname -m > /arch
        """);
    Sealbuild sb = new Sealbuild(project).env("SEALBUILD_CACHE", project.resolve("cache").toString());
    ok(sb.run("lock"));
    ok(sb.run("prep"));
    Sealbuild.Result r = sb.run("image", "--output", "oci:out/img:latest");
    if (arm64StepsCanRun()) {
      ok(r);
      Tools.ok(project, "umoci", "raw", "unpack", "--image", "out/img:latest", "rootfs");
      assertEquals("aarch64\n", Files.readString(project.resolve("rootfs/arch")), "the step ran as an arm64 program");
      return;
    }
    assertNotEquals(0, r.exit(), r.toString());
    List<String> errors = r.stderr().lines().filter(l -> l.startsWith("error:")).toList();
    assertEquals(1, errors.size(), r.toString());
    String error = errors.get(0);
    assertTrue(error.contains("linux/arm64"), error);
    assertTrue(error.contains("binfmt_misc") && error.contains("qemu-user-static"), "says how to enable emulation: " + error);
    assertFalse(r.stderr().contains("\tat "), "no stack trace\n" + r);
    assertFalse(Files.exists(project.resolve("out/img")), "nothing is written at the output");
  }
}
