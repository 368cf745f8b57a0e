package dev.sealbuild.prep.alpine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * THE key check: {@link ApkResolver} must pick exactly the packages the real apk-tools 2.14.4 (from the
 * Alpine 3.20.3 minirootfs, run in a chroot) picks for {@code apk add --simulate}, on the real signed
 * v3.16 x86_64 index. apk's answer is computed at test time, never stored.
 */
class ApkResolverRealApkTest {
  /** Everyday packages plus ones that exercise virtual provides, k:, install_if and conflicts. */
  private static final List<List<String>> REQUESTS = List.of(
      // apk 2.14 does not auto-select busybox for '/bin/sh' (an unversioned provide): these fail, like apk
      List.of("curl"), List.of("python3"), List.of("bash"),
      // so most requests name busybox, as Alpine's own base does
      List.of("strace"), List.of("busybox", "curl"), List.of("busybox"), List.of("openssl"),
      List.of("busybox", "python3"), List.of("busybox", "bash"), List.of("busybox", "git"),
      List.of("busybox", "openssh"), List.of("busybox", "nginx"), List.of("vim"), List.of("busybox", "gvim"),
      List.of("alpine-base"), List.of("busybox", "build-base"), List.of("busybox", "postgresql14"),
      List.of("busybox", "postgresql-client"), List.of("busybox", "cmd:oid2name"), List.of("busybox", "dnsmasq"),
      List.of("busybox", "dnsmasq-dnssec"), List.of("dropbear-scp", "openssh-client"), List.of("busybox", "icu-libs"),
      List.of("busybox", "perl-dev"), List.of("busybox", "heimdal-dev"), List.of("busybox", "krb5-dev"),
      List.of("linux-firmware-any"), List.of("busybox", "linux-lts"), List.of("cmd:scp"),
      List.of("so:libcrypto.so.1.1"), List.of("/bin/sh"), List.of("busybox", "/bin/sh"),
      List.of("busybox", "pc:libcurl"), List.of("busybox", "openssl"), List.of("busybox", "curl>=7.83"),
      List.of("busybox", "curl<7"), List.of("busybox", "curl~7.83"), List.of("busybox", "curl=7.83.1-r4"),
      List.of("busybox~1.35_rc"), List.of("busybox~1.3"), List.of("busybox<~1.36"), List.of("busybox>~1.36"),
      List.of("busybox", "musl<1.2.3"), List.of("busybox", "musl=1.2.3-r2"),
      List.of("busybox", "openssh", "!openssh-server"), List.of("busybox", "curl", "!libcurl"),
      List.of("busybox", "docker"), List.of("busybox", "man-pages", "curl"),
      List.of("busybox", "mandoc", "curl", "busybox-doc"), List.of("busybox", "bash", "bash-completion", "git"),
      List.of("busybox", "py3-pip"), List.of("icu-data"), List.of("busybox", "icu-data-full", "icu-libs"),
      List.of("no-such-package-xyz"));

  @Test
  void resolvesExactlyLikeApkOnAnEmptyRoot() throws Exception {
    SignedApkIndex index = AlpineFixtures.index316();
    AlpineChroot chroot = AlpineChroot.alpine320();
    RealApk apk = new RealApk(chroot, AlpineFixtures.file("v3.16-x86_64/APKINDEX.tar.gz"),
        AlpineFixtures.keys(), "x86_64");
    List<List<String>> requests = requests();
    List<RealApk.Outcome> outcomes = apk.simulate(apk.emptyRoot(), requests);
    ApkResolver resolver = new ApkResolver(index.index().packages(), ApkInstalledDb.empty());
    int installs = compare(resolver, requests, outcomes);
    assertTrue(installs > 100, "the requests should exercise many packages, got " + installs);
  }

  @Test
  void skipsPackagesAlreadyInstalledInABaseRootLikeApk() throws Exception {
    SignedApkIndex index = AlpineFixtures.index316();
    AlpineChroot chroot = AlpineChroot.alpine320();
    RealApk apk = new RealApk(chroot, AlpineFixtures.file("v3.16-x86_64/APKINDEX.tar.gz"),
        AlpineFixtures.keys(), "x86_64");
    // The Alpine 3.16.9 release root, copied into the apk chroot so apk sees its installed database.
    Path base = AlpineChroot.alpine316().root();
    Path copy = chroot.newTempDir("base316-");
    Process cp = new ProcessBuilder("cp", "-a", base + "/.", copy.toString()).inheritIO().start();
    assertEquals(0, cp.waitFor());
    ApkInstalledDb installed = ApkInstalledDb.parse(
        Files.readString(copy.resolve("lib/apk/db/installed")), Files.readString(copy.resolve("etc/apk/world")));
    assertFalse(installed.packages().isEmpty());

    List<List<String>> requests = List.of(List.of("curl"), List.of("python3"), List.of("strace", "openssl"),
        List.of("ssl_client"), List.of("busybox"), List.of("apk-tools"), List.of("bash", "git"),
        List.of("libcrypto1.1"), List.of("musl=1.2.3-r2"), List.of("openssh"), List.of("alpine-base"));
    List<RealApk.Outcome> outcomes = apk.simulate(chroot.inside(copy), requests);
    ApkResolver resolver = new ApkResolver(index.index().packages(), installed);
    compare(resolver, requests, outcomes);

    // And what apk skips really is installed: curl needs libcrypto1.1, which the base already has.
    ApkResolution curl = resolver.resolve(List.of("curl"));
    Set<String> installedNames = installed.packages().stream().map(ApkPackage::name).collect(Collectors.toSet());
    assertTrue(curl.packages().stream().anyMatch(p -> p.name().equals("libcrypto1.1")));
    assertTrue(curl.toInstall().stream().noneMatch(p -> installedNames.contains(p.name())), curl.toInstall()::toString);
  }

  /** Compares every request; returns how many installs were checked. */
  private static int compare(ApkResolver resolver, List<List<String>> requests, List<RealApk.Outcome> outcomes) {
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    for (int i = 0; i < requests.size(); i++) {
      RealApk.Outcome apk = outcomes.get(i);
      List<String> request = requests.get(i);
      if (!apk.ok()) {
        try {
          ApkResolution ours = resolver.resolve(request);
          mismatches.add(request + ": apk fails (" + apk.output().strip().replace('\n', ' ') + ") but we resolve "
              + ours.toInstall());
        } catch (ApkException expected) {
          assertFalse(expected.getMessage().contains("\n"), "one-line message");
        }
        continue;
      }
      try {
        ApkResolution ours = resolver.resolve(request);
        Set<String> installs = names(ours.toInstall());
        Set<String> removals = names(ours.toRemove());
        if (!installs.equals(apk.installs()) || !removals.equals(apk.removals())) {
          mismatches.add(request + ": apk installs " + apk.installs() + " removes " + apk.removals()
              + " but we install " + installs + " remove " + removals);
        }
        checked += installs.size();
      } catch (ApkException e) {
        mismatches.add(request + ": apk resolves " + apk.installs() + " but we fail: " + e.getMessage());
      }
    }
    assertEquals(List.of(), mismatches);
    return checked;
  }

  private static Set<String> names(List<ApkPackage> packages) {
    return packages.stream().map(ApkPackage::nameVersion).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The fixed requests, or with {@code -Dsealbuild.apkSweep=all} every package name of the index, alone
   * and with busybox (slow: several minutes; used to hunt for differences).
   */
  private static List<List<String>> requests() throws IOException {
    if (!"all".equals(System.getProperty("sealbuild.apkSweep"))) {
      return REQUESTS;
    }
    List<List<String>> all = new ArrayList<>();
    for (String name : AlpineFixtures.index316().index().packages().stream().map(ApkPackage::name).distinct().toList()) {
      all.add(List.of(name));
      all.add(List.of("busybox", name));
    }
    return all;
  }

  @Test
  void unknownPackageFailsLikeApk() throws Exception {
    ApkResolver resolver = new ApkResolver(AlpineFixtures.index316().index().packages(), ApkInstalledDb.empty());
    ApkException e = assertThrows(ApkException.class, () -> resolver.resolve(List.of("culr")));
    assertEquals("cannot resolve Alpine packages: unknown package 'culr'; did you mean 'curl'?", e.getMessage());
  }
}
