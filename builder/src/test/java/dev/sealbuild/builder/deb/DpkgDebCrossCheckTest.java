package dev.sealbuild.builder.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sealbuild.builder.deb.PackageFixture.LayerEntry;
import dev.sealbuild.testsupport.Requirements;
import dev.sealbuild.testsupport.deb.Compression;
import dev.sealbuild.testsupport.deb.DebFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated .debs are checked by the real dpkg-deb, so the generator is honest, and what the installer
 * puts in the layer is checked against dpkg-deb's own listing of the package: same names, types, modes,
 * owners, sizes, times and link targets.
 */
class DpkgDebCrossCheckTest {
  private static final Path DPKG_DEB = Path.of("/usr/bin/dpkg-deb");
  /** A line of {@code tar -tv} as dpkg-deb -c prints it: mode, uid/gid, size, date, time, name [-> target]. */
  private static final Pattern LISTING = Pattern.compile("(\\S{10}) (\\d+)/(\\d+) +(\\d+) (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d) (.+)");
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  @BeforeAll
  static void dpkgDebIsInstalled() {
    Requirements.require(Files.isExecutable(DPKG_DEB), "dpkg-deb is not installed (apt-get install dpkg)");
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> compressions() {
    return DebInstallTest.compressions();
  }

  @ParameterizedTest(name = "control.tar{0}, data.tar{1}")
  @MethodSource("compressions")
  void dpkgDebReadsTheGeneratedPackageAndListsWhatTheLayerHolds(Compression control, Compression data, @TempDir Path work)
      throws Exception {
    try (PackageFixture f = new PackageFixture(work)) {
      DebFile deb = DebInstallTest.login().compression(control, data).field("Replaces", "passwd (<< 1:4.1)");
      Path file = work.resolve("login.deb");
      Files.write(file, deb.build());

      String info = run("dpkg-deb", "--info", file.toString());
      assertFalse(info.isEmpty());
      assertEquals(deb.controlText(), run("dpkg-deb", "--info", file.toString(), "control"));
      assertEquals(deb.md5sums(), run("dpkg-deb", "--info", file.toString(), "md5sums"));
      assertEquals("login\n", run("dpkg-deb", "--field", file.toString(), "Package"));
      assertEquals("passwd (<< 1:4.1)\n", run("dpkg-deb", "--field", file.toString(), "Replaces"));

      List<String> dpkgListing = new ArrayList<>();
      for (String line : run("dpkg-deb", "--contents", file.toString()).split("\n")) {
        Matcher m = LISTING.matcher(line);
        assertEquals(true, m.matches(), "unexpected dpkg-deb -c line: " + line);
        if (!m.group(6).equals("./")) { // the image root is never a layer entry
          dpkgListing.add(String.join(" ", m.group(1), m.group(2) + "/" + m.group(3), m.group(4), m.group(5), m.group(6)));
        }
      }

      f.install(f.cache(deb));
      // The package's control and md5sums, as dpkg-deb extracts them, are the status.d records.
      assertEquals(run("dpkg-deb", "--info", file.toString(), "control"), f.text("var/lib/dpkg/status.d/login"));
      assertEquals(run("dpkg-deb", "--info", file.toString(), "md5sums"), f.text("var/lib/dpkg/status.d/login.md5sums"));
      List<String> layerListing = new ArrayList<>();
      for (LayerEntry e : f.layer().values()) {
        if (!e.header().getName().startsWith("var/lib/dpkg/")) { // what the installer adds for scanners
          layerListing.add(listing(e.header()));
        }
      }
      // The layer is in path order, the package in its own; each name must carry the same line.
      dpkgListing.sort(java.util.Comparator.comparing(DpkgDebCrossCheckTest::nameOf));
      layerListing.sort(java.util.Comparator.comparing(DpkgDebCrossCheckTest::nameOf));
      assertEquals(String.join("\n", dpkgListing), String.join("\n", layerListing));
    }
  }

  private static String nameOf(String line) {
    return line.substring(line.indexOf(" ./") + 1);
  }

  /** A layer entry in GNU tar's verbose listing form, with numeric owners and UTC times. */
  private static String listing(TarArchiveEntry e) {
    char type = e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : e.isLink() ? 'h' : '-';
    long size = e.isFile() && !e.isLink() ? e.getSize() : 0;
    String name = "./" + e.getName();
    if (e.isSymbolicLink()) {
      name += " -> " + e.getLinkName();
    } else if (e.isLink()) {
      name += " link to ./" + e.getLinkName();
    }
    return String.join(" ", type + permissions(e.getMode()), e.getLongUserId() + "/" + e.getLongGroupId(), Long.toString(size),
        DATE.format(Instant.ofEpochSecond(e.getModTime().getTime() / 1000)), name);
  }

  /** rwx triplets with setuid, setgid and sticky shown as ls and tar show them (s/S, s/S, t/T). */
  private static String permissions(int mode) {
    StringBuilder p = new StringBuilder();
    int[] special = {04000, 02000, 01000};
    for (int i = 0; i < 3; i++) {
      int bits = (mode >> (6 - 3 * i)) & 7;
      p.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-');
      boolean x = (bits & 1) != 0;
      if ((mode & special[i]) != 0) {
        char c = i == 2 ? 't' : 's';
        p.append(x ? c : Character.toUpperCase(c));
      } else {
        p.append(x ? 'x' : '-');
      }
    }
    return p.toString();
  }

  private static String run(String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("TZ", "UTC");
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assumeTrue(p.waitFor(60, TimeUnit.SECONDS), "dpkg-deb did not finish");
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join(" ", command) + " failed: " + text);
    return text;
  }
}
