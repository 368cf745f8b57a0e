package dev.sealbuild.prep.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.prep.http.TransportFixtures;
import dev.sealbuild.prep.packages.DebianLocker;
import dev.sealbuild.testsupport.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each Debian request form against the real {@code apt-get -s install} (empty status) over the host mirror's bookworm
 * and bookworm-updates, amd64: {@code name=version}, {@code name/suite}, {@code name:arch} (native, all, any, and an
 * arm64 Multi-Arch: foreign package with arm64 enabled in apt), and {@code priority:} against the same Pin-Priority in
 * apt preferences. The versions asked for are read from the indexes, so the test follows the archive as it moves.
 */
class AptRequestFormsRealMirrorTest {
  static final String ARCH = "amd64";

  @TempDir
  static Path tmp;
  static MirrorProxy mainProxy;
  static MirrorProxy updatesProxy;
  static Path keyring;
  static DebianRepositoryIndex main;
  static DebianRepositoryIndex updates;
  static DebianResolver resolver;
  static AptReference apt;
  /** A package whose bookworm-updates version differs from bookworm's (older ones too: after a point release the
   * main suite moves past what updates still lists). */
  static String updated;

  @BeforeAll
  static void setUp() throws Exception {
    Requirements.require(Files.isExecutable(Path.of("/usr/bin/apt-get")), "apt-get is not installed");
    Optional<AptSources.Source> mainSource = AptSources.host().find("bookworm", "main");
    Optional<AptSources.Source> updatesSource = AptSources.host().find("bookworm-updates", "main");
    Requirements.require(mainSource.isPresent() && updatesSource.isPresent(),
        "the host's apt sources have no bookworm and bookworm-updates main entries");
    keyring = mainSource.get().signedBy().orElse(DebianLocker.DEFAULT_KEYRING);
    mainProxy = new MirrorProxy(mainSource.get().uri(), Files.createDirectories(tmp.resolve("main")));
    updatesProxy = new MirrorProxy(updatesSource.get().uri(), Files.createDirectories(tmp.resolve("updates")));
    main = read(mainProxy, "debian", "bookworm", ARCH);
    updates = read(updatesProxy, "debian-updates", "bookworm-updates", ARCH);
    resolver = new DebianResolver(List.of(main, updates), Map.of("arm64", List.of(
        read(mainProxy, "debian", "bookworm", "arm64"), read(updatesProxy, "debian-updates", "bookworm-updates", "arm64"))));
    apt = new AptReference(tmp.resolve("apt"), sources(ARCH), ARCH);
    updated = Stream.concat(Stream.of("openssl", "tzdata"), updates.packages().stream().map(DebianPackage::name))
        .filter(name -> version(updates, name) != null && version(main, name) != null
            && version(updates, name).compareTo(version(main, name)) != 0)
        .findFirst().orElse(null);
    Requirements.require(updated != null, "bookworm-updates lists no other version of a bookworm package");
  }

  @AfterAll
  static void stop() {
    Stream.of(mainProxy, updatesProxy).filter(java.util.Objects::nonNull).forEach(MirrorProxy::close);
  }

  @Test
  void eachRequestFormChoosesWhatAptGetChooses() throws Exception {
    List<String> requests = List.of(updated, updated + "=" + version(main, updated).text(),
        updated + "=" + version(updates, updated).text(), updated + "/bookworm", updated + "/bookworm-updates",
        "tzdata:all", "bash:native", "curl:amd64", "curl:amd64/bookworm", "ca-certificates:any",
        "openssl=" + version(main, "openssl").text(), "python3-minimal/bookworm");
    assertEquals(List.of(), mismatches(apt, resolver, requests));
  }

  @Test
  void aPriorityChoosesWhatAptGetChoosesWithThatPinPriority() throws Exception {
    for (int priority : new int[] {100, -1, 990, 500}) {
      AptReference pinnedApt = new AptReference(Files.createTempDirectory(tmp, "pinned"), sources(ARCH), ARCH);
      pinnedApt.preferences("Package: *\nPin: release n=bookworm-updates\nPin-Priority: " + priority + "\n");
      DebianResolver pinned = new DebianResolver(List.of(main, updates.withPinPriority(priority)));
      assertEquals(List.of(), mismatches(pinnedApt, pinned, List.of(updated, "curl", "openssl", "python3-minimal")),
          "bookworm-updates at " + priority);
      DebianRepositoryIndex winner = priority > 500 ? updates : priority < 500 ? main
          : version(updates, updated).compareTo(version(main, updated)) > 0 ? updates : main;
      assertEquals(version(winner, updated).text(), pinned.resolve(List.of(updated), Set.of()).packages().stream()
          .filter(p -> p.name().equals(updated)).findFirst().orElseThrow().version().text(),
          winner.suite() + "'s " + updated + " wins at " + priority);
    }
  }

  @Test
  void anArm64MultiArchForeignPackageIsWhatAptGetWithArm64EnabledInstalls() throws Exception {
    AptReference both = new AptReference(tmp.resolve("apt-arm64"), sources(ARCH + "," + "arm64"), ARCH, List.of("arm64"));
    assertEquals(List.of(), mismatches(both, resolver, List.of("qemu-user-static:arm64", "qemu-user-static:arm64 tzdata")));
    assertEquals(100, apt.simulate("coreutils:arm64").exit(), "apt-get without arm64 refuses it");
    DebianResolutionException e = assertThrows(DebianResolutionException.class,
        () -> resolver.resolve(List.of("coreutils:arm64"), Set.of()));
    assertTrue(e.getMessage().endsWith("so add linux/arm64 to platforms or drop ':arm64'") && !e.getMessage().contains("\n"),
        e.getMessage());
  }

  /**
   * Opt-in breadth check, off in CI: {@code -Dsealbuild.debian.aptFormsSample=N} compares N random requests over both
   * suites with apt-get, each a random package in a random form (plain, {@code =version} of either suite,
   * {@code /suite}, {@code :native}, {@code :all}, {@code :any}); seed {@code -Dsealbuild.debian.aptSeed}. Mismatches
   * are printed and fail the test.
   */
  @Test
  void randomRequestFormsMatchAptGet() throws Exception {
    int n = Integer.getInteger("sealbuild.debian.aptFormsSample", 0);
    org.junit.jupiter.api.Assumptions.assumeTrue(n > 0,
        "set -Dsealbuild.debian.aptFormsSample=N to compare N random request forms with apt-get");
    java.util.Random random = new java.util.Random(Long.getLong("sealbuild.debian.aptSeed", 1));
    List<DebianPackage> all = new ArrayList<>(main.packages());
    all.addAll(updates.packages());
    List<String> requests = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      DebianPackage p = all.get(random.nextInt(all.size()));
      String suite = main.packages().contains(p) ? "bookworm" : "bookworm-updates";
      requests.add(switch (random.nextInt(6)) {
        case 0 -> p.name();
        case 1 -> p.name() + "=" + p.version().text();
        case 2 -> p.name() + "/" + suite;
        case 3 -> p.name() + ":native";
        case 4 -> p.name() + ":all";
        default -> p.name() + ":any";
      });
    }
    List<String> mismatches = mismatches(apt, resolver, requests);
    mismatches.forEach(System.out::println);
    assertEquals(List.of(), mismatches, mismatches.size() + " of " + n + " differ");
  }

  /** Each request (several separated by spaces) where sealbuild and apt-get differ, with both answers. */
  private static List<String> mismatches(AptReference reference, DebianResolver ours, List<String> requests) throws Exception {
    List<String> out = new ArrayList<>();
    for (String request : requests) {
      String[] names = request.split(" ");
      AptReference.Result result = reference.simulate(names);
      Set<String> expected = result.exit() == 0 ? AptReference.instLines(result) : null;
      Set<String> actual;
      try {
        actual = ours.resolve(List.of(names), Set.of()).packages().stream()
            .map(p -> p.name() + (p.architecture().equals(ARCH) || p.architecture().equals("all") ? "" : ":" + p.architecture())
                + "=" + p.version().text())
            .collect(Collectors.toCollection(TreeSet::new));
      } catch (DebianResolutionException e) {
        actual = null;
      }
      if (!java.util.Objects.equals(expected, actual)) {
        out.add(request + ": apt " + expected + ", sealbuild " + actual);
      }
    }
    return out;
  }

  private static List<String> sources(String arches) {
    return List.of(
        "deb [arch=" + arches + " signed-by=" + keyring + "] " + mainProxy.base() + " bookworm main",
        "deb [arch=" + arches + " signed-by=" + keyring + "] " + updatesProxy.base() + " bookworm-updates main");
  }

  private static DebianVersion version(DebianRepositoryIndex index, String name) {
    return index.packages().stream().filter(p -> p.name().equals(name)).map(DebianPackage::version)
        .max(Comparator.naturalOrder()).orElse(null);
  }

  private static DebianRepositoryIndex read(MirrorProxy mirror, String name, String suite, String arch) throws Exception {
    return new DebianRepositoryReader(new TransportMetadataSource(TransportFixtures.transport(2), mirror.base(),
        "repository '" + name + "'"), InReleaseVerifier.fromKeyringFile(keyring), Clock.systemUTC(), false)
        .read(name, suite, List.of("main"), arch);
  }
}
