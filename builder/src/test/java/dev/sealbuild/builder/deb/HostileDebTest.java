package dev.sealbuild.builder.deb;

import static dev.sealbuild.builder.deb.PackageFixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.deb.DebFile.Member;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.testsupport.deb.Compression;
import dev.sealbuild.testsupport.deb.DebFile;
import dev.sealbuild.testsupport.deb.DebFile.Member;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged and hostile .debs (checklist 32 and 36): each is refused, promptly, with one line naming the
 * package, and nothing of it reaches the image unnoticed.
 */
class HostileDebTest {
  private static final String LABEL = "package evil 1.0";
  private static final Duration PROMPTLY = Duration.ofSeconds(20);

  private static DebFile evil() {
    return DebFile.named("evil").dir("./usr/").dir("./usr/bin/").file("./usr/bin/evil", "payload", 0755, 0, 0);
  }

  /** Installs the given ar members as package evil 1.0 and returns the refusal message. */
  private static String refusedMembers(Path work, List<Member> members, String... mustContain) throws IOException {
    return refusedBytes(work, DebFile.ar(members), mustContain);
  }

  private static String refusedBytes(Path work, byte[] deb, String... mustContain) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage p = f.cache("evil", "1.0", deb);
      String[] parts = Arrays.copyOf(mustContain, mustContain.length + 1);
      parts[mustContain.length] = LABEL;
      return assertTimeoutPreemptively(PROMPTLY, () -> refused(() -> f.install(p), parts));
    }
  }

  // --- the ar container -----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"../evil", "sub/evil", "..", "data.tar.gz/../x", "control.tar.gz/x", "_/x"})
  void arMemberNamesWithSlashOrDotDotAreRefused(String name, @TempDir Path work) throws IOException {
    DebFile deb = evil();
    List<Member> members = deb.members();
    members.add(1, new Member(name, "x"));
    String message = refusedMembers(work, members, name);
    assertTrue(message.contains("not allowed") || message.contains("unsupported"), message);
  }

  @Test
  void anArMemberNameWithANewlineGivesAOneLineError(@TempDir Path work) throws IOException {
    List<Member> members = evil().members();
    members.add(1, new Member("evil\nname", "x"));
    refusedMembers(work, members);
  }

  /** Found by DebFuzzTest: commons-compress's own words quoted the raw field ("...string value: 22: :"). */
  @Test
  void anArHeaderWhoseSizeIsNotANumberIsRefusedInWords(@TempDir Path work) throws IOException {
    byte[] deb = ("!<arch>\n" + String.format("%-16s%-12s%-6s%-6s%-8s%-10s`\n", "debian-binary", "0", "0", "0", "100644", "22: :"))
        .getBytes(StandardCharsets.US_ASCII);
    try (var spool = new dev.sealbuild.builder.archive.ContentSpool(work)) {
      var reader = new DebArchive(new dev.sealbuild.formats.compress.Decompressors(
          dev.sealbuild.formats.compress.DecompressionLimits.DEFAULT), spool);
      String message = refused(() -> reader.readControl(new java.io.ByteArrayInputStream(deb), "hello.deb"),
          "hello.deb", "not a number");
      dev.sealbuild.testsupport.RefusalText.assertPlainWords("ar header", message, "hello.deb", false);
    }
  }

  /** Found by DebFuzzTest: commons-compress's "Invalid header" quoted the raw bytes, ending the message in a colon. */
  @Test
  void aDamagedArHeaderIsRefusedInWords(@TempDir Path work) throws IOException {
    byte[] deb = ("!<arch>\n" + String.format("%-16s%-12s%-6s%-6s%-8s%-10s", "debian-binary", "0", "0", "0", "100644", "4")
        + "\0l").getBytes(StandardCharsets.US_ASCII);
    try (var spool = new dev.sealbuild.builder.archive.ContentSpool(work)) {
      var reader = new DebArchive(new dev.sealbuild.formats.compress.Decompressors(
          dev.sealbuild.formats.compress.DecompressionLimits.DEFAULT), spool);
      String message = refused(() -> reader.readControl(new java.io.ByteArrayInputStream(deb), "hello.deb"),
          "hello.deb", "member header is damaged");
      dev.sealbuild.testsupport.RefusalText.assertPlainWords("ar header", message, "hello.deb", false);
    }
  }

  @Test
  void twoDataMembersAreRefused(@TempDir Path work) throws IOException {
    DebFile deb = evil();
    List<Member> members = deb.members();
    members.add(DebFile.named("evil").file("./etc/second", "second").dataMember());
    refusedMembers(work, members, "data.tar", "once");
  }

  @Test
  void twoControlMembersAreRefused(@TempDir Path work) throws IOException {
    DebFile deb = evil();
    List<Member> members = deb.members();
    members.add(2, DebFile.named("evil").field("Replaces", "everything").controlMember());
    refusedMembers(work, members, "control.tar", "once");
  }

  @Test
  void dataBeforeControlIsRefused(@TempDir Path work) throws IOException {
    DebFile deb = evil();
    refusedMembers(work, List.of(deb.debianBinary(), deb.dataMember(), deb.controlMember()), "control.tar", "data.tar");
  }

  @Test
  void aMissingDataMemberIsRefused(@TempDir Path work) throws IOException {
    DebFile deb = evil();
    refusedMembers(work, List.of(deb.debianBinary(), deb.controlMember()), "data.tar");
  }

  @Test
  void aMissingDebianBinaryIsRefused(@TempDir Path work) throws IOException {
    DebFile deb = evil();
    refusedMembers(work, List.of(deb.controlMember(), deb.dataMember()), "debian-binary");
  }

  @Test
  void debianBinaryAfterControlIsRefused(@TempDir Path work) throws IOException {
    DebFile deb = evil();
    refusedMembers(work, List.of(deb.controlMember(), deb.debianBinary(), deb.dataMember()), "debian-binary");
  }

  @ParameterizedTest
  @ValueSource(strings = {"3.0\n", "1.0\n", "", "2"})
  void anUnsupportedFormatVersionIsRefused(String version, @TempDir Path work) throws IOException {
    DebFile deb = evil();
    refusedMembers(work, List.of(new Member("debian-binary", version), deb.controlMember(), deb.dataMember()), "format");
  }

  @ParameterizedTest
  @ValueSource(strings = {"data.tar.bz2", "data.tar.lzma", "data.tar.gz.xz", "data.tarx", "data.zip"})
  void unknownDataCompressionIsRefusedNotDetected(String name, @TempDir Path work) throws IOException {
    DebFile deb = evil();
    // gzip bytes under a name that does not say gzip: must not be sniffed and read anyway.
    Member data = new Member(name, deb.dataMember().bytes());
    refusedMembers(work, List.of(deb.debianBinary(), deb.controlMember(), data), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"control.tar.bz2", "control.tar.lzma"})
  void unknownControlCompressionIsRefused(String name, @TempDir Path work) throws IOException {
    DebFile deb = evil();
    Member control = new Member(name, deb.controlMember().bytes());
    refusedMembers(work, List.of(deb.debianBinary(), control, deb.dataMember()), name);
  }

  @Test
  void aMemberWhoseContentIsNotItsDeclaredCompressionIsRefused(@TempDir Path work) throws IOException {
    DebFile deb = evil().compression(Compression.GZ, Compression.XZ);
    Member xzNamedGz = new Member("data.tar.gz", deb.dataMember().bytes());
    refusedMembers(work, List.of(deb.debianBinary(), deb.controlMember(), xzNamedGz), "data.tar.gz");
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"GZ", "XZ", "ZST"})
  void truncatedDataIsRefused(Compression compression, @TempDir Path work) throws IOException {
    DebFile deb = evil().file("./usr/share/big", new byte[200_000], 0644, 0, 0).compression(Compression.GZ, compression);
    byte[] whole = deb.dataMember().bytes();
    Member cut = new Member(deb.dataMember().name(), Arrays.copyOf(whole, whole.length / 2));
    refusedMembers(work, List.of(deb.debianBinary(), deb.controlMember(), cut), "data.tar" + compression.suffix);
  }

  @Test
  void truncatedZstdControlIsRefused(@TempDir Path work) throws IOException {
    DebFile deb = evil().compression(Compression.ZST, Compression.GZ);
    byte[] whole = deb.controlMember().bytes();
    Member cut = new Member("control.tar.zst", Arrays.copyOf(whole, whole.length - 8));
    refusedMembers(work, List.of(deb.debianBinary(), cut, deb.dataMember()));
  }

  @Test
  void aDebCutInsideItsLastMemberIsRefused(@TempDir Path work) throws IOException {
    byte[] whole = evil().compression(Compression.GZ, Compression.ZST).build();
    refusedBytes(work, Arrays.copyOf(whole, whole.length - 20));
  }

  @Test
  void anArHeaderDeclaringMoreBytesThanTheFileHoldsIsRefused(@TempDir Path work) throws IOException {
    DebFile deb = evil();
    byte[] deb2 = RawAr.of(RawAr.member("debian-binary", "4", "2.0\n".getBytes(StandardCharsets.US_ASCII)),
        RawAr.member("control.tar.gz", Integer.toString(deb.controlMember().bytes().length), deb.controlMember().bytes()),
        RawAr.member("data.tar.gz", "9999999999", deb.dataMember().bytes()));
    refusedBytes(work, deb2, "data.tar.gz");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "12ab", "          ", "99999999999999"})
  void aBrokenArSizeFieldIsRefused(String size, @TempDir Path work) throws IOException {
    DebFile deb = evil();
    byte[] bytes = RawAr.of(RawAr.member("debian-binary", size, "2.0\n".getBytes(StandardCharsets.US_ASCII)),
        RawAr.member("control.tar.gz", Integer.toString(deb.controlMember().bytes().length), deb.controlMember().bytes()),
        RawAr.member("data.tar.gz", Integer.toString(deb.dataMember().bytes().length), deb.dataMember().bytes()));
    refusedBytes(work, bytes);
  }

  /** BSD and GNU long-name extensions (never used by dpkg) declaring huge names: no allocation by declared size. */
  @ParameterizedTest
  @ValueSource(strings = {"#1/2000000000", "//"})
  void oversizedLongNameHeadersAreRefused(String name, @TempDir Path work) throws IOException {
    DebFile deb = evil();
    byte[] bytes = RawAr.of(RawAr.member("debian-binary", "4", "2.0\n".getBytes(StandardCharsets.US_ASCII)),
        RawAr.member(name, name.equals("//") ? "2000000000" : "14", "control.tar.gz".getBytes(StandardCharsets.US_ASCII)),
        RawAr.member("data.tar.gz", Integer.toString(deb.dataMember().bytes().length), deb.dataMember().bytes()));
    refusedBytes(work, bytes);
  }

  @Test
  void notAnArArchiveIsRefused(@TempDir Path work) throws IOException {
    refusedBytes(work, evil().dataMember().bytes(), "ar");
  }

  @Test
  void anEmptyFileIsRefused(@TempDir Path work) throws IOException {
    refusedBytes(work, new byte[0]);
  }

  @Test
  void anOversizedControlFileIsRefused(@TempDir Path work) throws IOException {
    DebFile deb = evil().field("X-Padding", "x".repeat(5 << 20));
    refusedBytes(work, deb.build(), "control", "larger than");
  }

  @Test
  void aControlTarWithoutControlFileIsRefused(@TempDir Path work) throws IOException {
    DebFile deb = evil();
    Member empty = new Member("control.tar", new byte[1024]);
    refusedMembers(work, List.of(deb.debianBinary(), empty, deb.dataMember()), "control");
  }

  // --- data.tar entries -----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(bytes = {TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO})
  void devicesAndFifosInDataAreRefused(byte type, @TempDir Path work) throws IOException {
    TarArchiveEntry device = DebFile.header("./dev/thing", type, 0666, 0, 0);
    device.setDevMajor(1);
    device.setDevMinor(3);
    refusedBytes(work, evil().dir("./dev/").entry(device, null).build(), "dev/thing", "not allowed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"./../etc/evil", "../../evil", "./usr/../../evil", "usr/bin/../../../evil"})
  void dotDotEntriesInDataAreRefused(String name, @TempDir Path work) throws IOException {
    refusedBytes(work, evil().file(name, "escape").build(), "..");
  }

  @Test
  void aHardlinkLeavingTheImageIsRefused(@TempDir Path work) throws IOException {
    TarArchiveEntry link = DebFile.header("./usr/bin/shadow", TarConstants.LF_LINK, 0100644, 0, 0);
    link.setLinkName("../../etc/shadow");
    refusedBytes(work, evil().entry(link, null).build(), "usr/bin/shadow");
  }

  @Test
  void aFileWritingThroughAPackagedSymlinkStaysInsideTheImage(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      f.install(f.cache(evil().symlink("./usr/escape", "../../../../../../tmp").file("./usr/escape/planted", "x")));
      assertEquals("x", f.text("tmp/planted"));
      assertFalse(Files.exists(Path.of("/tmp/planted")) && Files.readString(Path.of("/tmp/planted")).equals("x"));
    }
  }

  // --- the cache ------------------------------------------------------------------------------------

  @Test
  void aBlobThatParsesButDiffersFromTheLockIsRefused(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      // Uncompressed members: flipping one payload byte still gives a readable .deb.
      byte[] good = evil().compression(Compression.NONE, Compression.NONE).build();
      LockedPackage p = f.cache("evil", "1.0", good);
      byte[] tampered = replace(good, "payload", "PAYLOAD");
      Files.write(f.cache.blob(p.sha256()), tampered);
      refused(() -> f.install(p), LABEL, "run build prep");
    }
  }

  @Test
  void aBlobWhoseBytesNoLongerParseAndDifferFromTheLockSaysRunBuildPrep(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      byte[] good = evil().file("./usr/share/doc", new byte[20_000], 0644, 0, 0).build();
      LockedPackage p = f.cache("evil", "1.0", good);
      byte[] tampered = good.clone();
      for (int i = tampered.length / 2; i < tampered.length / 2 + 64; i++) {
        tampered[i] ^= 0x5a;
      }
      Files.write(f.cache.blob(p.sha256()), tampered);
      refused(() -> f.install(p), LABEL, "run build prep");
    }
  }

  @Test
  void aBlobWithAnotherPackagesBytesSaysRunBuildPrep(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage p = f.cache(evil());
      Files.write(f.cache.blob(p.sha256()), "not a deb at all".getBytes(StandardCharsets.US_ASCII));
      refused(() -> f.install(p), LABEL, "build prep");
    }
  }

  @Test
  void aShortenedOrLengthenedBlobIsRefused(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      byte[] good = evil().build();
      LockedPackage p = f.cache("evil", "1.0", good);
      Files.write(f.cache.blob(p.sha256()), Arrays.copyOf(good, good.length - 1));
      refused(() -> f.install(p), LABEL, "build prep");
      byte[] longer = Arrays.copyOf(good, good.length + 2);
      longer[good.length] = '\n';
      longer[good.length + 1] = '\n';
      Files.write(f.cache.blob(p.sha256()), longer);
      refused(() -> f.install(p), LABEL, "build prep");
    }
  }

  @Test
  void aMissingBlobSaysRunBuildPrep(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage p = PackageFixture.locked("evil", "1.0", Sha256.hash(evil().build()), 100);
      refused(() -> f.install(p), LABEL, "run build prep");
    }
  }

  // --- what the lock says about the package ---------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"../../../etc/passwd", "a/b", ".."})
  void aPackageNameThatIsNotADebianNameIsRefusedBeforeItBecomesAPath(String name, @TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage p = f.cache(name, "1.0", DebFile.named(name).file("./usr/bin/x", "x").build());
      refused(() -> f.install(p), name);
      assertEquals(null, f.node("etc/passwd"));
    }
  }

  @Test
  void aPackageWhoseControlNamesAnotherPackageIsRefused(@TempDir Path work) throws IOException {
    try (PackageFixture f = new PackageFixture(work)) {
      LockedPackage p = f.cache("evil", "1.0", DebFile.named("libc6").file("./usr/bin/x", "x").build());
      refused(() -> f.install(p), LABEL, "libc6");
    }
  }

  private static byte[] replace(byte[] bytes, String from, String to) {
    String s = new String(bytes, StandardCharsets.ISO_8859_1);
    assertTrue(s.contains(from));
    return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
  }

  /** ar archives written byte by byte, for headers commons-compress would not write. */
  static final class RawAr {
    static byte[] member(String name, String sizeField, byte[] data) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      String header = String.format("%-16s%-12s%-6s%-6s%-8s%-10s`\n", name, "1600000000", "0", "0", "100644", sizeField);
      out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(data);
      if (data.length % 2 == 1) {
        out.write('\n');
      }
      return out.toByteArray();
    }

    static byte[] of(byte[]... members) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes("!<arch>\n".getBytes(StandardCharsets.US_ASCII));
      List<byte[]> all = new ArrayList<>(List.of(members));
      all.forEach(out::writeBytes);
      return out.toByteArray();
    }
  }
}
