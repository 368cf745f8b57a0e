package dev.sealbuild.builder.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.UserError;
import dev.sealbuild.formats.oci.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One-line errors for a host that cannot run steps: no runtime, user namespaces off, no emulation. */
class RuntimeErrorsTest {
  @TempDir
  Path dir;

  @Test
  void aMissingRuntimeNamesThePackage() {
    UserError e = assertThrows(UserError.class, () -> RuncRuntime.fromPath(dir.toString(), List.of()));
    assertEquals("runc not found: install the runc package (apt-get install runc) or pass --runtime PATH",
        e.getMessage());
    UserError explicit = assertThrows(UserError.class, () -> RuncRuntime.explicit(dir.resolve("crun")));
    assertTrue(explicit.getMessage().startsWith("container runtime " + dir.resolve("crun") + " not found"),
        explicit.getMessage());
  }

  @Test
  void disabledUserNamespacesSayHowToEnableThem() throws IOException {
    Path runc = Files.createFile(dir.resolve("runc"));
    runc.toFile().setExecutable(true);
    Path procSys = dir.resolve("proc-sys");
    Files.createDirectories(procSys.resolve("user"));
    Files.createDirectories(procSys.resolve("kernel"));
    Files.writeString(procSys.resolve("user/max_user_namespaces"), "15000\n");
    Files.writeString(procSys.resolve("kernel/unprivileged_userns_clone"), "0\n");
    RuncRuntime runtime = RuncRuntime.explicit(runc);
    runtime.withHost(procSys, true).check();
    UserError rootless = assertThrows(UserError.class, () -> runtime.withHost(procSys, false).check());
    assertTrue(rootless.getMessage().endsWith("enable them with 'sysctl -w kernel.unprivileged_userns_clone=1'"),
        rootless.getMessage());
    Files.writeString(procSys.resolve("user/max_user_namespaces"), "0\n");
    UserError off = assertThrows(UserError.class, () -> runtime.withHost(procSys, true).check());
    assertTrue(off.getMessage().startsWith("user namespaces are disabled on this host"), off.getMessage());
    assertTrue(off.getMessage().endsWith("enable them with 'sysctl -w user.max_user_namespaces=15000'"));
    assertEquals(1, off.getMessage().lines().count());
  }

  @Test
  void anotherArchitectureNeedsABinfmtEmulator() throws IOException {
    Path binfmt = Files.createDirectories(dir.resolve("binfmt_misc"));
    Emulation emulation = new Emulation("amd64", binfmt);
    emulation.check(Platform.parse("linux/amd64"));
    UserError e = assertThrows(UserError.class, () -> emulation.check(Platform.parse("linux/arm64/v8")));
    assertEquals("build steps for linux/arm64/v8 cannot run on this amd64 host: no binfmt_misc emulation is "
        + "registered for it; install it with 'apt-get install qemu-user-static binfmt-support' (it registers "
        + "qemu-aarch64)", e.getMessage());
    Files.writeString(binfmt.resolve("status"), "enabled\n");
    Files.writeString(binfmt.resolve("qemu-aarch64"), "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n");
    emulation.check(Platform.parse("linux/arm64/v8"));
    Files.writeString(binfmt.resolve("qemu-aarch64"), "disabled\n");
    assertThrows(UserError.class, () -> emulation.check(Platform.parse("linux/arm64")));
  }
}
