package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code build push} with the real jar: an image built offline from the Alpine minirootfs and a local script is
 * pushed to a docker-registry on loopback, read back by skopeo (same digest) and pulled and run by podman.
 */
class PushIT {
  @TempDir static Path work;
  static Path project;
  static Sealbuild sealbuild;
  static LocalRegistry registry;
  static String built;

  @BeforeAll
  static void buildAndStartRegistry() throws Exception {
    Requirements.requireTools("skopeo", "docker-registry");
    Path minirootfs = Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    project = Files.createDirectories(work.resolve("project"));
    Files.copy(minirootfs, project.resolve("alpine.tar.gz"));
    Files.writeString(project.resolve("hello.sh"), "#!/bin/sh\necho \"pushed and pulled: $(cat /etc/alpine-release)\"\n");
    Files.setPosixFilePermissions(project.resolve("hello.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(project.resolve("build.yaml"), """
        name: push-test
        base:
          rootfs:
            path: alpine.tar.gz
        copy:
          - src: hello.sh
            dest: /usr/local/bin/hello
            mode: "0755"
        config:
          entrypoint: ["/usr/local/bin/hello"]
        """);
    sealbuild = new Sealbuild(project).env("HOME", work.resolve("home").toString());
    ok(sealbuild.run("lock"));
    ok(sealbuild.run("prep"));
    built = ok(sealbuild.run("image", "-o", "oci:out/layout:v1", "-o", "oci-archive:out/image.tar:v1")).lastLine();
    assertTrue(built.matches("sha256:[0-9a-f]{64}"), built);
    registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")), null);
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void pushedDigestIsTheBuiltOneAndPodmanRunsTheImage() throws Exception {
    String reference = registry.host() + "/sealbuild/push-it:v1";
    Sealbuild.Result push = ok(sealbuild.run("push", "oci:out/layout:v1", "docker://" + reference));
    assertEquals(built, push.stdout().strip(), "stdout is the digest alone: " + push);
    assertEquals(built, push.lastLine());
    assertTrue(push.stderr().contains("uploaded " ), push.stderr());

    byte[] raw = LocalRegistry.run(List.of("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + reference));
    assertEquals(built, sha256(raw), "the registry serves the built manifest byte for byte");
    assertTrue(java.util.Arrays.equals(raw, Files.readAllBytes(project.resolve("out/layout/blobs/sha256/" + built.substring(7)))));

    Sealbuild.Result again = ok(sealbuild.run("push", "oci-archive:out/image.tar", "docker://" + reference));
    assertEquals(built, again.lastLine());
    assertFalse(again.stderr().contains("uploaded "), "a second push sends no blob: " + again.stderr());
    assertTrue(again.stderr().contains("exists "), again.stderr());

    Requirements.requireTools("podman", "runc");
    Path storage = work.resolve("podman");
    List<String> podman = List.of("podman", "--root", storage.resolve("root").toString(), "--runroot", storage.resolve("run").toString(),
        "--storage-driver", "vfs");
    List<String> run = new java.util.ArrayList<>(podman);
    run.addAll(List.of("run", "--rm", "--network=none", "--runtime", "runc", "--ulimit", "nofile=20000:20000",
        "--ulimit", "nproc=32768:32768", "--tls-verify=false", reference));
    Tools.Output output = Tools.run(work, run.toArray(String[]::new));
    assertEquals(0, output.exit(), output.stdout() + output.stderr());
    assertEquals("pushed and pulled: 3.20.3\n", output.stdout());
    List<String> inspect = new java.util.ArrayList<>(podman);
    inspect.addAll(List.of("image", "inspect", "--format", "{{.Digest}}", reference));
    assertEquals(built, Tools.ok(work, inspect.toArray(String[]::new)).strip(), "podman pulled the built digest");
  }

  @Test
  void mistakesAreOneLineErrorsAndNothingIsPushed() throws Exception {
    Sealbuild.Result noTag = sealbuild.run("push", "oci:out/layout:v2", "docker://" + registry.host() + "/sealbuild/push-it:v2");
    assertEquals(1, noTag.exit(), noTag.toString());
    assertTrue(noTag.stderr().contains("no image tagged 'v2'") && noTag.stderr().contains("its tags: v1"), noTag.stderr());

    Sealbuild.Result notRegistry = sealbuild.run("push", "oci:out/layout", "oci:out/copy");
    assertEquals(1, notRegistry.exit(), notRegistry.toString());
    assertTrue(notRegistry.stderr().startsWith("error: destination 'oci:out/copy'"), notRegistry.stderr());

    Sealbuild.Result plainHttp = sealbuild.run("push", "--retries", "0", "oci:out/layout", "docker://registry.invalid:5000/sealbuild/x:1");
    assertEquals(1, plainHttp.exit(), plainHttp.toString());
    assertTrue(plainHttp.stderr().contains("https://registry.invalid:5000/v2/") && plainHttp.stderr().contains("--insecure-registry"),
        plainHttp.stderr());

    Sealbuild.Result usage = sealbuild.run("push", "oci:out/layout");
    assertEquals(2, usage.exit(), usage.toString());

    for (Sealbuild.Result failed : List.of(noTag, notRegistry, plainHttp)) {
      assertEquals("", failed.stdout(), "no digest printed on failure");
      assertEquals(1, failed.stderr().lines().filter(l -> l.startsWith("error: ")).count(), failed.stderr());
      assertFalse(failed.stderr().contains("\tat "), "no stack trace");
    }
    assertTrue(Tools.run(work, "skopeo", "inspect", "--raw", "--tls-verify=false",
        "docker://" + registry.host() + "/sealbuild/push-it:v2").exit() != 0, "no tag v2 was created");
  }
}
