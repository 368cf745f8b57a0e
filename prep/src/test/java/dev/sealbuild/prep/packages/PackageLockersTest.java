package dev.sealbuild.prep.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.SpecReader;
import dev.sealbuild.prep.debian.AptSources;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The image and each stage are locked by the package manager of their own repositories, with their own mirrors. */
class PackageLockersTest {
  private final BuildSpec spec = new SpecReader(Map.of()).parse("build.yaml", """
      name: app
      repositories:
        - {name: debian, type: debian, suite: bookworm}
      packages: [libc6]
      stages:
        tools:
          repositories:
            - {name: alpine, type: alpine, url: "https://alpine.example.invalid/v3.20/main", keys: [k.pub]}
          packages: [busybox]
        build:
          packages: [gcc]
      """);
  private final List<String> calls = new ArrayList<>();

  private PackageLockers lockers(Map<String, URI> overrides) {
    Mirrors mirrors = new Mirrors(overrides, new AptSources(Path.of("/nonexistent-apt")));
    return new PackageLockers(mirrors, spec.everyRepository(),
        m -> (s, base) -> {
          calls.add("debian " + s.name() + " " + m.baseUrl(s.repositories().get(0)));
          return new PackageLocker.Pinned(List.of(), List.of());
        },
        m -> (s, base) -> {
          calls.add("alpine " + s.name() + " " + m.baseUrl(s.repositories().get(0)));
          return new PackageLocker.Pinned(List.of(), List.of());
        });
  }

  @Test
  void eachSpecGetsTheLockerAndMirrorsOfItsRepositories() throws Exception {
    PackageLockers lockers = lockers(Map.of("debian", URI.create("http://127.0.0.1:1/debian"),
        "alpine", URI.create("http://127.0.0.1:1/alpine")));
    lockers.lock(spec, LockedBase.SCRATCH);
    lockers.lock(spec.stage("tools"), LockedBase.SCRATCH);
    lockers.lock(spec.stage("build"), LockedBase.SCRATCH);
    assertEquals(List.of("debian app http://127.0.0.1:1/debian", "alpine app-tools http://127.0.0.1:1/alpine",
        "debian app-build http://127.0.0.1:1/debian"), calls);
  }

  @Test
  void aMirrorNamingNoRepositoryOfTheProjectIsRefused() {
    PackageException e = assertThrows(PackageException.class,
        () -> lockers(Map.of("debain", URI.create("http://127.0.0.1:1/"))).lock(spec, LockedBase.SCRATCH));
    assertEquals("--mirror debain=...: the spec has no repository named debain", e.getMessage());
  }
}
