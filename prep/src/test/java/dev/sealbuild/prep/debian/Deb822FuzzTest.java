package dev.sealbuild.prep.debian;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealbuild.formats.deb822.Deb822Exception;
import dev.sealbuild.formats.deb822.Deb822Reader;
import dev.sealbuild.formats.deb822.Deb822Stanza;
import dev.sealbuild.testsupport.fuzz.Refusals;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * deb822 as prep reads it from a mirror: the same bytes as a Release (the signed text of an InRelease), as a
 * {@code Packages} index, and as a single package's {@code control} stanza (the dpkg status of a base image), all
 * through the one deb822 reader and the field checks of Release and PackagesIndex.
 * Seeds: {@code Deb822FuzzTestInputs/releaseAndPackages}.
 */
class Deb822FuzzTest {
  private static final String ORIGIN = "https://deb.example.invalid/debian/dists/stable/InRelease";
  private static final Refusals REFUSALS = Refusals.of(ORIGIN, DebianMetadataException.class, Deb822Exception.class);
  private static final Deb822Reader.Limits LIMITS = new Deb822Reader.Limits(16 * 1024, 64 * 1024, 100);

  @FuzzTest
  void releaseAndPackages(byte[] input) throws Exception {
    if (input.length > Refusals.MAX_INPUT) {
      return;
    }
    REFUSALS.check(() -> {
      Release release = Release.parse(new String(input, StandardCharsets.ISO_8859_1), ORIGIN);
      release.isSuite("stable");
      release.hasComponent("main");
      release.file("main/binary-amd64/Packages.xz");
      release.defaultPinPriority();
      release.checkNotExpired(Instant.EPOCH, false, ORIGIN);
    });
    REFUSALS.check(() -> new PackagesIndex("amd64", LIMITS).parse(new ByteArrayInputStream(input), ORIGIN));
    REFUSALS.check(() -> {
      Deb822Stanza control = Deb822Reader.parseFirst(new String(input, StandardCharsets.UTF_8), ORIGIN);
      if (!control.fields().isEmpty()) {
        new PackagesIndex("amd64").toPackage(control, ORIGIN);
      }
    });
  }
}
