package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.registry.LocalRegistry;
import dev.sealbuild.testsupport.registry.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Dockerfile taken as it is: locked, prepped and built offline, and the same Dockerfile built by {@code buildah bud
 * --network none}: both images unpacked by umoci hold the same file tree (paths, types, modes, owners, link targets,
 * contents) and the same config. The base is the Alpine minirootfs pushed to Debian's docker-registry on loopback.
 */
class DockerfileIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path work;
  static LocalRegistry registry;
  static Path project;
  static String digest;

  /** No heredocs here: buildah 1.28 (Debian bookworm's) does not read them. */
  static final String DOCKERFILE = """
      # syntax=docker/dockerfile:1
      ARG ALPINE=%s/alpine:3.20
      FROM ${ALPINE} AS build
      WORKDIR /src
      COPY src/ ./
      RUN mkdir -p /out && sort words.txt > /out/sorted.txt \\
       && echo "built $(wc -l < words.txt) words; secret: $(ls secret.txt 2>/dev/null || echo none)" > /out/summary.txt

      FROM ${ALPINE}
      ENV APP_HOME=/opt/app
      WORKDIR $APP_HOME
      COPY --from=build /out/ ./
      COPY --chmod=0755 run.sh /usr/local/bin/run
      ADD assets.tar.gz /opt/assets/
      RUN addgroup -g 1000 app && adduser -D -u 1000 -G app app && chown -R app:app /opt/app
      COPY --chown=app:app run.sh /home/app/bin/run
      RUN --mount=type=cache,target=/var/cache/build echo cached > /var/cache/build/x \
       && stat -c '%%u:%%g %%a %%n' /home/app/bin /home/app/bin/run > /opt/app/listing && ls /var/cache/build > /opt/app/cache-listing
      WORKDIR /srv/data
      USER app
      EXPOSE 8080
      LABEL org.example.team="platform"
      ENTRYPOINT ["/usr/local/bin/run"]
      CMD ["--help"]
      """;

  @BeforeAll
  static void setUp() throws Exception {
    LocalRegistry.requireTools();
    Requirements.requireTools("runc", "unshare", "umoci", "buildah");
    TestImages images = TestImages.write(work.resolve("seed"));
    registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")), null);
    registry.push(images.source("amd64"), "alpine:3.20", false, null);
    project = Files.createDirectories(work.resolve("app"));
    Files.createDirectories(project.resolve("src"));
    Files.writeString(project.resolve("src/words.txt"), "alpha\ncharlie\nbravo\n");
    Files.writeString(project.resolve("src/secret.txt"), "not for the image\n");
    Files.writeString(project.resolve("run.sh"), "#!/bin/sh\necho run \"$@\"\n");
    Files.writeString(project.resolve("notes.tmp"), "scratch\n");
    try (TestArchives.Tar tar = new TestArchives.Tar(project.resolve("assets.tar.gz"), true)) {
      tar.dir("data", 0750, 1234, 1234).file("data/config.txt", "level=3\n", 0640, 1234, 1234).symlink("current", "data");
    }
    Files.writeString(project.resolve(".dockerignore"), "# build context rules\nsrc/secret.txt\n*.tmp\n");
    Files.writeString(project.resolve("Dockerfile"), DOCKERFILE.formatted(registry.host()));
    ok(sealbuild().run("lock"));
    ok(sealbuild().run("prep"));
    digest = ok(sealbuild().run("image", "--output", "oci:out/img:latest")).lastLine();
  }

  @AfterAll
  static void tearDown() {
    if (registry != null) {
      registry.close();
    }
  }

  static Sealbuild sealbuild() {
    return sealbuild(project);
  }

  static Sealbuild sealbuild(Path dir) {
    return new Sealbuild(dir).env("SEALBUILD_CACHE", work.resolve("cache").toString()).env("SOURCE_DATE_EPOCH", "1700000000");
  }

  @Test
  void theLockSitsBesideTheDockerfileAndIsCurrent() throws Exception {
    assertTrue(Files.exists(project.resolve("Dockerfile.lock.json")));
    assertFalse(Files.exists(project.resolve("build.lock.json")));
    JsonNode lock = JSON.readTree(project.resolve("Dockerfile.lock.json").toFile());
    assertTrue(lock.toString().contains("sha256:"), "the base image is pinned by digest: " + lock);
    ok(sealbuild().run("lock", "--check"));
    Sealbuild.Result stale = sealbuild().run("lock", "--check", "--build-arg", "ALPINE=" + registry.host() + "/alpine:other");
    assertNotEquals(0, stale.exit(), "a build argument that changes the base makes the lock stale");
  }

  @Test
  void buildahBuildsTheSameTreeAndConfig() throws Exception {
    Path bah = work.resolve("buildah");
    Tools.ok(project, "buildah", "--root", bah.resolve("root").toString(), "--runroot", bah.resolve("run").toString(),
        // runc, as sealbuild's steps use: buildah otherwise prefers crun when it is installed, and crun refuses a
        // host whose cgroups are in hybrid mode
        "--storage-driver", "vfs", "bud", "--runtime", "runc", "--network=none", "--timestamp", "0", "--tls-verify=false",
        "--layers=false",
        "-f", "Dockerfile", "-t", "oci-archive:" + work.resolve("buildah.tar") + ":latest", ".");
    Files.createDirectories(work.resolve("cmp"));
    Tools.ok(work, "skopeo", "copy", "--quiet", "oci-archive:" + work.resolve("buildah.tar") + ":latest", "oci:cmp/bah:latest");
    Tools.ok(work, "skopeo", "copy", "--quiet", "oci:" + project.resolve("out/img") + ":latest", "oci:cmp/seal:latest");
    boolean root = "root".equals(System.getProperty("user.name"));
    List<String> unpack = root ? List.of("umoci", "unpack") : List.of("umoci", "unpack", "--rootless");
    Tools.ok(work, concat(unpack, "--image", "cmp/bah:latest", "cmp/b").toArray(String[]::new));
    Tools.ok(work, concat(unpack, "--image", "cmp/seal:latest", "cmp/s").toArray(String[]::new));
    Map<String, String> theirs = tree(work.resolve("cmp/b/rootfs"), root);
    Map<String, String> ours = tree(work.resolve("cmp/s/rootfs"), root);
    List<String> differences = new ArrayList<>();
    for (String path : union(theirs, ours)) {
      if (!java.util.Objects.equals(theirs.get(path), ours.get(path))) {
        differences.add(path + ": buildah " + theirs.get(path) + ", sealbuild " + ours.get(path));
      }
    }
    assertEquals(List.of(), differences);
    assertTrue(ours.containsKey("opt/app/summary.txt") && ours.size() > 400, "the tree is the whole image: " + ours.size());
    assertEquals(root ? "dir rwxr-xr-x 0:0" : "dir rwxr-xr-x", ours.get("srv/data"),
        "a WORKDIR nothing writes into is created, as buildah creates it");
    assertEquals("built 3 words; secret: none\n", Files.readString(work.resolve("cmp/s/rootfs/opt/app/summary.txt")),
        ".dockerignore kept src/secret.txt out of the build context");

    JsonNode bahConfig = JSON.readTree(Tools.ok(work, "skopeo", "inspect", "--config", "oci:cmp/bah:latest")).get("config");
    JsonNode ourConfig = JSON.readTree(Tools.ok(work, "skopeo", "inspect", "--config", "oci:cmp/seal:latest")).get("config");
    for (String key : List.of("Env", "Entrypoint", "Cmd", "WorkingDir", "User", "ExposedPorts")) {
      assertEquals(bahConfig.get(key), ourConfig.get(key), key);
    }
    assertEquals("platform", ourConfig.get("Labels").get("org.example.team").asText());
  }

  @Test
  void auditAndSbomTakeTheDockerfileProject() throws Exception {
    Sealbuild.Result audit = sealbuild().run("audit", "oci:out/img:latest", ".");
    assertEquals(0, audit.exit(), "every file accounted for and the offline rebuild has the same digest: " + audit);
    Sealbuild.Result sbom = ok(sealbuild().run("sbom", "-o", "sbom.spdx.json"));
    JsonNode doc = JSON.readTree(project.resolve("sbom.spdx.json").toFile());
    assertEquals("SPDX-2.3", doc.get("spdxVersion").asText(), sbom.toString());
  }

  @Test
  void importWritesTheSpecThatBuildsTheSameImage() throws Exception {
    Path copy = Files.createDirectories(work.resolve("imported/app"));
    for (String f : List.of("Dockerfile", ".dockerignore", "run.sh", "notes.tmp", "assets.tar.gz")) {
      Files.copy(project.resolve(f), copy.resolve(f));
    }
    Files.createDirectories(copy.resolve("src"));
    Files.copy(project.resolve("src/words.txt"), copy.resolve("src/words.txt"));
    Files.copy(project.resolve("src/secret.txt"), copy.resolve("src/secret.txt"));
    Sealbuild.Result imported = sealbuild(copy).run("import", "-o", "build.yaml");
    assertEquals(0, imported.exit(), imported.toString());
    assertTrue(imported.stderr().contains("Dockerfile:3") && imported.stderr().contains("pinned"), imported.stderr());
    String spec = Files.readString(copy.resolve("build.yaml"));
    assertTrue(spec.contains("name: app") && spec.contains("stages:"), spec);
    ok(sealbuild(copy).run("lock", "build.yaml"));
    ok(sealbuild(copy).run("prep", "build.yaml"));
    String fromSpec = ok(sealbuild(copy).run("image", "build.yaml", "--output", "oci:out/img:latest")).lastLine();
    assertEquals(digest, fromSpec, "build.yaml from build import builds the Dockerfile's image");
  }

  @Test
  void heredocsAndTheReportForWhatNeedsTheUser() throws Exception {
    Path dir = Files.createDirectories(work.resolve("heredoc"));
    Files.writeString(dir.resolve("Dockerfile"), """
        FROM %s/alpine:3.20
        RUN <<EOF
        set -e
        mkdir -p /data
        echo "from a heredoc" > /data/note
        EOF
        ARG GREETING=hello
        COPY <<EOF /etc/motd
        ${GREETING} "from" the heredoc
        EOF
        COPY --chmod=0755 <<'EOS' <<NOTE /usr/local/bin/
        #!/bin/sh
        echo "${GREETING:-unset}"
        EOS
        a note
        NOTE
        RUN pip install flask || true
        """.formatted(registry.host()));
    Sealbuild.Result lock = sealbuild(dir).run("lock");
    assertEquals(0, lock.exit(), lock.toString());
    assertTrue(lock.stderr().contains("warning: Dockerfile:17") && lock.stderr().contains("--no-index"), lock.stderr());
    ok(sealbuild(dir).run("prep"));
    ok(sealbuild(dir).run("image", "--output", "oci:out/img:latest"));
    Tools.ok(dir, "umoci", "unpack", "--rootless", "--image", "out/img:latest", "bundle");
    assertEquals("from a heredoc\n", Files.readString(dir.resolve("bundle/rootfs/data/note")));
    Path motd = dir.resolve("bundle/rootfs/etc/motd");
    assertEquals("hello \"from\" the heredoc\n", Files.readString(motd), "an unquoted delimiter expands, quotes kept");
    assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(motd)));
    Path script = dir.resolve("bundle/rootfs/usr/local/bin/EOS");
    assertEquals("#!/bin/sh\necho \"${GREETING:-unset}\"\n", Files.readString(script), "a quoted one does not");
    assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(script)));
    assertEquals("a note\n", Files.readString(dir.resolve("bundle/rootfs/usr/local/bin/NOTE")));
    Sealbuild.Result report = sealbuild(dir).run("import");
    assertEquals(3, report.exit(), "import exits 3 when something needs the user: " + report);
  }

  @Test
  void aDockerfileItCannotHonourFailsWithFileAndLineAndWritesNothing() throws Exception {
    Path dir = Files.createDirectories(work.resolve("bad"));
    Files.writeString(dir.resolve("Dockerfile"), """
        FROM %s/alpine:3.20
        RUN --mount=type=secret,id=token cat /run/secrets/token
        """.formatted(registry.host()));
    Sealbuild.Result r = sealbuild(dir).run("lock");
    assertNotEquals(0, r.exit());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    assertTrue(r.stderr().contains("Dockerfile:2: RUN --mount=type=secret"), r.stderr());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(dir.resolve("Dockerfile")), files.toList(), "nothing written beside the Dockerfile");
    }
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  private static List<String> union(Map<String, String> a, Map<String, String> b) {
    TreeMap<String, String> all = new TreeMap<>(a);
    all.putAll(b);
    return new ArrayList<>(all.keySet());
  }

  /** Every entry under an unpacked root: type, mode, owner (when unpacked as root), link target or content digest. */
  private static Map<String, String> tree(Path root, boolean owners) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (p.equals(root)) {
          continue;
        }
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        StringBuilder v = new StringBuilder();
        v.append(a.isSymbolicLink() ? "link" : a.isDirectory() ? "dir" : a.isRegularFile() ? "file" : "other");
        if (!a.isSymbolicLink()) {
          v.append(' ').append(PosixFilePermissions.toString(a.permissions()));
        }
        if (owners) {
          v.append(' ').append(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS))
              .append(':').append(Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        }
        if (a.isSymbolicLink()) {
          v.append(" -> ").append(Files.readSymbolicLink(p));
        } else if (a.isRegularFile()) {
          try (InputStream in = Files.newInputStream(p)) {
            v.append(' ').append(Sha256.hash(in));
          }
        }
        entries.put(root.relativize(p).toString(), v.toString());
      }
    }
    return entries;
  }
}
