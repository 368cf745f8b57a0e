package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.Fixtures;
import dev.sealbuild.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same spec + lock + cache gives the same image digest, and the same archive bytes, whatever the checkout
 * path, umask, time zone, locale, user, file mtimes on disk, processor count or JDK.
 */
class DeterminismIT {
  @TempDir static Path work;
  static Path cache;
  static Path projectA;

  @BeforeAll
  static void setUp() throws Exception {
    Path rootfs = Fixtures.file("alpine/minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz");
    cache = work.resolve("cache");
    Path served = Files.createDirectories(work.resolve("inputs"));
    try (var t = new TestArchives.Tar(served.resolve("tool.tar.gz"), true)) {
      t.dir("bin", 0755, 5, 5).file("bin/tool", "#!/bin/sh\necho tool\n", 0755, 5, 5).symlink("bin/t", "tool")
          .file("README", "ünïcödé names are fine\n", 0644, 0, 0).file("données/ï.txt", "x\n", 0644, 0, 0);
    }
    Files.writeString(served.resolve("notes.txt"), "notes\n");
    // an xz archive: A decodes it with the host's xz, B with xz-java (SEALBUILD_XZ=off)
    try (var t = new TestArchives.Tar(served.resolve("data.tar"), false)) {
      t.dir("share", 0755, 0, 0).file("share/words.txt", "some words to compress\n".repeat(5000), 0644, 0, 0);
    }
    Process xz = new ProcessBuilder("xz", "-6", served.resolve("data.tar").toString()).inheritIO().start();
    assertEquals(0, xz.waitFor(), "xz failed");
    projectA = Files.createDirectories(work.resolve("a/project"));
    Files.createDirectories(projectA.resolve("site/sub"));
    Files.writeString(projectA.resolve("site/index.html"), "<h1>hi</h1>\n");
    Files.writeString(projectA.resolve("site/sub/run.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(projectA.resolve("site/sub/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(projectA.resolve("build.yaml"), """
        name: determinism
        base:
          rootfs:
            path: rootfs.tar.gz
        files:
          - url: http://127.0.0.1:9/tool.tar.gz
            sha256: %s
            dest: /opt/tool
            extract: true
          - url: http://127.0.0.1:9/notes.txt
            sha256: %s
            dest: /usr/share/doc/notes.txt
          - url: http://127.0.0.1:9/data.tar.xz
            sha256: %s
            dest: /opt/data
            extract: true
        copy:
          - src: site
            dest: /srv/site
        config:
          entrypoint: [/bin/sh]
          env: {TZ_SEEN_AT_BUILD: "none", LANG: C.UTF-8}
        platforms: [linux/amd64, linux/arm64]
        """.formatted(OciLayoutReader.sha256(served.resolve("tool.tar.gz")), OciLayoutReader.sha256(served.resolve("notes.txt")),
            OciLayoutReader.sha256(served.resolve("data.tar.xz"))));
    Files.copy(rootfs, projectA.resolve("rootfs.tar.gz"));
    Sealbuild a = new Sealbuild(projectA).env("SEALBUILD_CACHE", cache.toString());
    ok(a.run("cache", "import", served.resolve("tool.tar.gz").toString(), served.resolve("notes.txt").toString(),
        served.resolve("data.tar.xz").toString()));
    ok(a.run("lock"));
    ok(a.run("prep"));
  }

  @Test
  void sameDigestUnderDifferentMachinesConditions() throws Exception {
    Sealbuild.Result a = ok(new Sealbuild(projectA).env("SEALBUILD_CACHE", cache.toString())
        .env("TZ", "UTC").env("LC_ALL", "C.UTF-8")
        .run("image", "--output", "oci-archive:out/image.tar"));
    String digestA = a.lastLine();
    String bytesA = OciLayoutReader.sha256(projectA.resolve("out/image.tar"));

    // Another checkout: a different, deeper path, files re-created under umask 077 with other mtimes, and xz-java
    // instead of the host's xz.
    Path projectB = work.resolve("elsewhere/deeper/checkout-b");
    copyTree(projectA, projectB);
    try (Stream<Path> s = Files.walk(projectB)) {
      for (Path p : s.toList()) {
        Files.setLastModifiedTime(p, FileTime.fromMillis(1_234_567_890_000L));
        if (Files.isRegularFile(p)) {
          boolean exec = Files.isExecutable(p);
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(exec ? "rwx------" : "rw-------"));
        }
      }
    }
    // B builds every layer from its inputs: a hit on A's cached layers would prove nothing here.
    Sealbuild.Result b = ok(new Sealbuild(projectB).env("SEALBUILD_CACHE", cache.toString()).env("SEALBUILD_LAYER_CACHE", "off")
        .env("SEALBUILD_XZ", "off")
        .java(newestJava()).shellPrefix("umask 077")
        .env("TZ", "Pacific/Kiritimati").env("LC_ALL", "tr_TR.UTF-8").env("LANG", "tr_TR.UTF-8")
        .env("JAVA_TOOL_OPTIONS", "-XX:ActiveProcessorCount=1 -Duser.language=tr -Duser.country=TR -Duser.timezone=Pacific/Kiritimati")
        .run("image", "--output", "oci-archive:out/image.tar"));
    assertEquals(digestA, b.lastLine(), "digest differs under another path/umask/TZ/locale/JDK/xz decoder\n" + b);
    assertEquals(bytesA, OciLayoutReader.sha256(projectB.resolve("out/image.tar")), "archive bytes differ");
  }

  @Test
  void sameDigestForAnotherUser() throws Exception {
    Requirements.requireTools("setpriv");
    Path shared = work.resolve("for-nobody");
    copyTree(projectA, shared.resolve("project"));
    copyTree(cache, shared.resolve("cache"));
    try (Stream<Path> s = Files.walk(work)) {
      for (Path p : s.toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-"));
      }
    }
    String digestRoot = ok(new Sealbuild(projectA).env("SEALBUILD_CACHE", cache.toString())
        .run("image", "--output", "oci:out/layout")).lastLine();
    Sealbuild.Result nobody = ok(new Sealbuild(shared.resolve("project")).env("SEALBUILD_CACHE", shared.resolve("cache").toString())
        .env("SEALBUILD_LAYER_CACHE", "off")
        .env("HOME", shared.toString())
        .wrapper("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
        .run("image", "--output", "oci:out/layout"));
    assertEquals(digestRoot, nobody.lastLine(), nobody.toString());
  }

  @Test
  void sourceDateEpochChangesTimesAndDigest() throws Exception {
    String epoch0 = ok(new Sealbuild(projectA).env("SEALBUILD_CACHE", cache.toString())
        .run("image", "--output", "oci:out/e0")).lastLine();
    Sealbuild.Result later = ok(new Sealbuild(projectA).env("SEALBUILD_CACHE", cache.toString())
        .env("SOURCE_DATE_EPOCH", "1700000000").run("image", "--output", "oci:out/e1:v1"));
    assertTrue(!epoch0.equals(later.lastLine()));
    OciLayoutReader layout = new OciLayoutReader(projectA.resolve("out/e1"));
    var manifest = layout.manifest("amd64");
    assertEquals("2023-11-14T22:13:20Z", layout.config(manifest).get("created").asText());
    for (var e : layout.layers(manifest).get(1).values()) {
      assertEquals(1_700_000_000L, e.mtime(), e.name());
    }
    for (var e : layout.layers(manifest).get(0).values()) {
      assertTrue(e.mtime() <= 1_700_000_000L, "base mtimes clamped: " + e.name());
    }
    // The SBOM attached beside the image is created when the image is, not at the lock's epoch.
    var index = new com.fasterxml.jackson.databind.ObjectMapper().readTree(projectA.resolve("out/e1/index.json").toFile());
    String sbomManifest = null;
    for (var entry : index.get("manifests")) {
      if ("application/spdx+json".equals(entry.path("artifactType").asText())) {
        sbomManifest = entry.get("digest").asText();
      }
    }
    assertTrue(sbomManifest != null, index.toString());
    var sbom = layout.json(layout.json(sbomManifest).get("layers").get(0).get("digest").asText());
    assertEquals("2023-11-14T22:13:20Z", sbom.at("/creationInfo/created").asText());
  }

  static String newestJava() throws Exception {
    Path best = Path.of(System.getProperty("java.home"), "bin", "java");
    int bestVersion = Runtime.version().feature();
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> s = Files.list(jvms)) {
        for (Path home : s.toList()) {
          Path bin = home.resolve("bin/java");
          if (!Files.isExecutable(bin)) {
            continue;
          }
          Tools.Output v = Tools.run(work, bin.toString(), "-version");
          var m = java.util.regex.Pattern.compile("version \"(\\d+)").matcher(v.stderr());
          if (m.find() && Integer.parseInt(m.group(1)) > bestVersion) {
            bestVersion = Integer.parseInt(m.group(1));
            best = bin;
          }
        }
      }
    }
    System.out.println("determinism: second build runs on Java " + bestVersion + " (" + best + ")");
    return best.toString();
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.toString().contains("/out/")) {
          Files.createDirectories(target.getParent());
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

}
