package dev.sealbuild.cli.it;

import static dev.sealbuild.cli.it.Sealbuild.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.testsupport.DebianBaseImage;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Dockerfile's {@code FROM debian:bookworm} + {@code RUN apt-get install -y curl}, as a spec: a bookworm minbase made
 * with mmdebstrap (as official Debian images are) pushed to docker-registry on loopback, its own apt sources as the
 * repositories ({@code from: base}) and its dpkg database subtracted. The lock adds exactly what the real apt-get would
 * install on that base; the built image runs curl, and dpkg inside it knows curl is installed.
 */
class DebianBaseIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path work;
  static LocalRegistry registry;
  static Path rootfs;
  static Path project;

  @BeforeAll
  static void setUp() throws Exception {
    LocalRegistry.requireTools();
    Requirements.requireTools("podman", "runc", "apt-get", "tar");
    rootfs = DebianBaseImage.rootfs("bookworm");
    registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")), null);
    registry.push(DebianBaseImage.writeOciLayout(rootfs, work.resolve("seed"), "bookworm"), "debian:bookworm", false, null);
    project = Files.createDirectories(work.resolve("project"));
    Files.writeString(project.resolve("build.yaml"), """
        name: curl-on-debian
        base:
          image: %s/debian:bookworm
        repositories:
          - {name: debian, type: debian, from: base}
        packages: [curl]
        config:
          cmd: [curl, --version]
        """.formatted(registry.host()));
  }

  @AfterAll
  static void tearDown() {
    if (registry != null) {
      registry.close();
    }
  }

  private static Sealbuild sealbuild() {
    return new Sealbuild(project).env("SEALBUILD_CACHE", work.resolve("cache").toString());
  }

  /** What apt-get itself would install on the base: the host's lists, the base's dpkg status, no Recommends. */
  private static Set<String> aptWouldInstall(Path status, String pkg) throws Exception {
    String out = Tools.ok(work, "apt-get", "-s", "-o", "Dir::State::status=" + status, "-o", "APT::Install-Recommends=false",
        "-o", "Debug::NoLocking=1", "install", pkg);
    Set<String> names = new TreeSet<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("Inst ")) {
        names.add(line.split(" ")[1]);
      }
    }
    return names;
  }

  @Test
  void locksOnlyWhatTheBaseLacksFromItsOwnSourcesAndDpkgKnowsWhatWasAdded() throws Exception {
    ok(sealbuild().run("lock", project.toString()));
    JsonNode lock = JSON.readTree(project.resolve("build.lock.json").toFile());
    JsonNode repo = lock.get("repositories").get(0);
    assertEquals(1, lock.get("repositories").size(), lock.get("repositories").toString());
    assertEquals("debian", repo.get("name").asText());
    assertEquals("/etc/apt/sources.list", repo.get("from").asText());
    assertEquals("bookworm", repo.get("suite").asText());
    assertTrue(repo.get("url").asText().startsWith("http"), repo.toString());
    Set<String> locked = new TreeSet<>();
    lock.get("packages").forEach(p -> locked.add(p.get("name").asText()));

    Path status = work.resolve("base-status");
    Files.writeString(status, Tools.ok(work, "tar", "-xOf", rootfs.toString(), "./var/lib/dpkg/status"));
    List<String> inBase = new ArrayList<>();
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("Package: ")) {
        inBase.add(line.substring("Package: ".length()));
      }
    }
    assertTrue(inBase.contains("libc6") && inBase.contains("zlib1g"), "a minbase has libc6 and zlib1g");
    assertTrue(locked.contains("curl") && locked.contains("libcurl4"), locked.toString());
    assertTrue(locked.stream().noneMatch(inBase::contains), "nothing the base has is installed again: " + locked);
    assertEquals(aptWouldInstall(status, "curl"), locked, "the same set as apt-get install curl on the base");

    ok(sealbuild().run("prep", project.toString()));
    Path image = work.resolve("image.tar");
    ok(sealbuild().run("image", project.toString(), "--no-attach", "--output", "oci-archive:" + image + ":latest"));
    Tools.Output run = Tools.run(work, "podman", "run", "--rm", "--network=none", "--runtime", "runc",
        "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768", "oci-archive:" + image,
        "sh", "-c", "curl --version && dpkg -s curl && dpkg -L curl && dpkg -l | grep -c '^ii' && dpkg --audit");
    assertEquals(0, run.exit(), run.stdout() + run.stderr());
    List<String> lines = Arrays.asList(run.stdout().split("\n"));
    assertTrue(lines.get(0).startsWith("curl 7."), run.stdout());
    assertTrue(lines.contains("Status: install ok installed"), run.stdout());
    assertTrue(lines.contains("/usr/bin/curl"), "dpkg -L lists curl's files: " + run.stdout());
    assertTrue(lines.contains(Integer.toString(inBase.size() + locked.size())),
        "dpkg -l lists the base's packages and the added ones: " + run.stdout());
  }
}
