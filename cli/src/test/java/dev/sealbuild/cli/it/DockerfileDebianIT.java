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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile idiom every Debian image uses, {@code apt-get update && apt-get install -y … && rm -rf
 * /var/lib/apt/lists/*}, on a bookworm base made by mmdebstrap and served by docker-registry, in a stage and again on
 * that stage: the packages are pinned from the base's own apt sources, what the base or the base stage has is not
 * pinned again, they are installed before the steps, a later {@code RUN} uses them with no network and
 * {@code apt-get purge} in a step removes one.
 */
class DockerfileDebianIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path work;
  static LocalRegistry registry;
  static Path project;

  @BeforeAll
  static void setUp() throws Exception {
    LocalRegistry.requireTools();
    Requirements.requireTools("runc", "unshare", "umoci");
    Path rootfs = DebianBaseImage.rootfs("bookworm");
    registry = LocalRegistry.start(Files.createDirectories(work.resolve("registry")), null);
    registry.push(DebianBaseImage.writeOciLayout(rootfs, work.resolve("seed"), "bookworm"), "debian:bookworm", false, null);
    project = Files.createDirectories(work.resolve("greeter"));
    Files.writeString(project.resolve("Dockerfile"), """
        FROM %s/debian:bookworm AS base
        ENV DEBIAN_FRONTEND=noninteractive
        RUN apt-get update \\
         && apt-get install -y --no-install-recommends hello \\
         && rm -rf /var/lib/apt/lists/*

        FROM base
        RUN apt-get update && apt-get install -y --no-install-recommends hello dos2unix && rm -rf /var/lib/apt/lists/*
        RUN hello --greeting="built offline" > /greeting \\
         && printf 'a\\r\\n' | dos2unix > /converted \\
         && apt-get purge -y dos2unix
        RUN apt-get update && apt-get install -y --no-install-recommends bc \
         && echo '6*7' | bc > /answer \
         && apt-get purge -y --auto-remove bc
        CMD ["hello"]
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

  private static List<String> names(JsonNode packages) {
    List<String> names = new ArrayList<>();
    packages.forEach(p -> names.add(p.path("name").asText()));
    return names;
  }

  @Test
  void aptGetInstallIsPinnedAndALaterStepUsesThePackageOffline() throws Exception {
    Sealbuild.Result locked = ok(sealbuild().run("lock"));
    assertTrue(locked.stderr().contains("wrote Dockerfile.lock.json"), locked.stderr());
    JsonNode lock = JSON.readTree(project.resolve("Dockerfile.lock.json").toFile());
    List<String> image = names(lock.path("packages"));
    List<String> base = names(lock.path("stages").path("base").path("packages"));
    assertTrue(base.contains("hello") && !base.contains("libc6"),
        "stage base pins hello, not what the Debian base's dpkg database has: " + base);
    List<String> kept = new ArrayList<>();
    List<String> buildOnly = new ArrayList<>();
    lock.path("packages").forEach(p -> (p.path("buildOnly").asBoolean() ? buildOnly : kept).add(p.path("name").asText()));
    assertEquals(List.of("dos2unix"), kept, "on the stage base, hello (the stage's) is not pinned again");
    assertTrue(buildOnly.contains("bc"), "apt-get purge --auto-remove of bc makes it build-only: " + image);
    ok(sealbuild().run("prep"));
    ok(sealbuild().run("image", "--output", "oci:out/img:latest"));
    Tools.ok(project, "umoci", "unpack", "--rootless", "--image", "out/img:latest", "bundle");
    assertEquals("built offline\n", Files.readString(project.resolve("bundle/rootfs/greeting")));
    String status = Files.readString(project.resolve("bundle/rootfs/var/lib/dpkg/status"));
    assertTrue(status.contains("Package: hello\n"), "dpkg in the image knows hello is installed");
    assertEquals("a\n", Files.readString(project.resolve("bundle/rootfs/converted")));
    assertTrue(!Files.exists(project.resolve("bundle/rootfs/usr/bin/dos2unix")), "apt-get purge in the step removed dos2unix");
    assertTrue(!status.contains("Package: dos2unix\n"), "and dpkg's database no longer lists it");
    assertEquals("42\n", Files.readString(project.resolve("bundle/rootfs/answer")), "bc was there while the step ran");
    assertTrue(!Files.exists(project.resolve("bundle/rootfs/usr/bin/bc")), "and is in no layer");
    for (String name : buildOnly) {
      assertTrue(!status.contains("Package: " + name + "\n"), "dpkg's database does not list build-only " + name);
      assertTrue(!Files.exists(project.resolve("bundle/rootfs/var/lib/dpkg/info/" + name + ".list")), name + ".list");
    }
    assertTrue(!Files.exists(project.resolve("bundle/rootfs/var/lib/apt/lists/partial"))
        || Files.list(project.resolve("bundle/rootfs/var/lib/apt/lists")).noneMatch(p -> p.getFileName().toString().endsWith("Packages")),
        "no package lists are written into the image");
  }
}
