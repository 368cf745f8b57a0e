package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.deb822.Deb822Reader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackagesIndexTest {
  static final String SHA = "a".repeat(64);

  static String stanza(String name, String version, String arch, String extra) {
    return "Package: " + name + "\n"
        + "Version: " + version + "\n"
        + "Architecture: " + arch + "\n"
        + extra
        + "Filename: pool/main/" + name.charAt(0) + "/" + name + "/" + name + "_" + version + "_" + arch + ".deb\n"
        + "Size: 1234\n"
        + "SHA256: " + SHA + "\n";
  }

  private static InputStream utf8(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesTheFieldsTheResolverAndLockNeed() throws Exception {
    String curl = "Package: curl\n"
        + "Source: curl (7.88.1-10)\n"
        + "Version: 7.88.1-10+deb12u15\n"
        + "Installed-Size: 500\n"
        + "Maintainer: Jane Maintainer <jane@example.org>\n"
        + "Architecture: amd64\n"
        + "Multi-Arch: foreign\n"
        + "Depends: libc6 (>= 2.34),\n libcurl4 (= 7.88.1-10+deb12u15),\n zlib1g (>= 1:1.1.4)\n"
        + "Pre-Depends: dpkg (>= 1.15)\n"
        + "Provides: curl-binary (= 1)\n"
        + "Breaks: old\n"
        + "Conflicts: other\n"
        + "Replaces: curl-old (<< 7)\n"
        + "Description: command line tool for transferring data with URL syntax\n"
        + " curl is a command line tool for transferring data with URL syntax.\n"
        + " .\n"
        + " Caf\u00e9 \u2603 UTF-8 text survives.\n"
        + "Priority: optional\n"
        + "Essential: yes\n"
        + "Protected: yes\n"
        + "Filename: pool/main/c/curl/curl_7.88.1-10+deb12u15_amd64.deb\n"
        + "Size: 315568\n"
        + "SHA256: " + SHA + "\n";
    String index = curl + "\n" + stanza("libfoo", "1.0", "all", "") + "\n\n" + stanza("armonly", "1", "arm64", "");
    List<DebianPackage> packages = new PackagesIndex("amd64").parse(utf8(index), "test-index");
    assertEquals(List.of("curl", "libfoo"), packages.stream().map(DebianPackage::name).toList(),
        "other architectures skipped");
    DebianPackage p = packages.get(0);
    assertEquals("7.88.1-10+deb12u15", p.version().text());
    assertEquals("curl", p.source());
    assertEquals(DebianPackage.MultiArch.FOREIGN, p.multiArch());
    assertTrue(p.essential());
    assertTrue(p.important());
    assertEquals("optional", p.priority());
    assertEquals(500, p.installedSizeKiB());
    assertEquals(315568, p.size());
    assertEquals(SHA, p.sha256().hex());
    assertEquals("pool/main/c/curl/curl_7.88.1-10+deb12u15_amd64.deb", p.filename());
    assertEquals(List.of("libc6 (>= 2.34)", "libcurl4 (= 7.88.1-10+deb12u15)", "zlib1g (>= 1:1.1.4)"),
        DependencyParser.parse(p.relations().depends()).stream().map(RelationGroup::toString).toList());
    assertEquals("dpkg (>= 1.15)", p.relations().preDepends());
    assertEquals("curl-binary (= 1)", p.relations().provides());
    assertEquals("curl-old (<< 7)", p.relations().replaces());
    assertEquals("old", p.relations().breaks());
    assertEquals("other", p.relations().conflicts());
    assertEquals("libfoo", packages.get(1).source(), "Source defaults to the package name");
    assertEquals(-1, packages.get(1).installedSizeKiB());
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../etc/passwd", "/etc/passwd", "pool/../../x.deb", "pool/./x.deb", "pool//x.deb",
      "pool/main/x.deb\\..", "pool/ma in/x.deb", "pool/main/.hidden.deb", "pool/main/x%2e%2e.deb"})
  void rejectsUnsafePoolPaths(String filename) {
    String text = stanza("evil", "1", "amd64", "").replaceAll("Filename: .*\n",
        java.util.regex.Matcher.quoteReplacement("Filename: " + filename + "\n"));
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> new PackagesIndex("amd64").parse(utf8(text), "idx"));
    assertEquals(DebianMetadataException.Kind.BAD_INDEX, e.kind());
    assertTrue(e.getMessage().contains("evil") && e.getMessage().contains("Filename"), e.getMessage());
  }

  @Test
  void reportsMissingAndMalformedFieldsWithPackageAndLine() {
    String noSha = "\n" + stanza("nosha", "1", "amd64", "").replace("SHA256: " + SHA + "\n", "");
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> new PackagesIndex("amd64").parse(utf8(noSha), "idx"));
    assertEquals("idx: package 'nosha' (line 2): missing SHA256", e.getMessage());
    String badVersion = stanza("badver", "1 0", "amd64", "");
    e = assertThrows(DebianMetadataException.class, () -> new PackagesIndex("amd64").parse(utf8(badVersion), "idx"));
    assertTrue(e.getMessage().contains("badver") && e.getMessage().contains("invalid Debian version"), e.getMessage());
    String upperSha = stanza("upper", "1", "amd64", "").replace(SHA, SHA.toUpperCase());
    e = assertThrows(DebianMetadataException.class, () -> new PackagesIndex("amd64").parse(utf8(upperSha), "idx"));
    assertTrue(e.getMessage().contains("bad SHA256"), e.getMessage());
    String badName = stanza("Bad_Name", "1", "amd64", "");
    e = assertThrows(DebianMetadataException.class, () -> new PackagesIndex("amd64").parse(utf8(badName), "idx"));
    assertTrue(e.getMessage().contains("invalid or missing Package name"), e.getMessage());
  }

  @Test
  void aPackageNameThatLooksLikeJavaIsQuotedSoTheMessageReadsAsTheInputs() {
    // Found by Deb822FuzzTest: "package java. (line 1): missing Filename" read as a Java type name.
    String text = "Package: java.\nVersion: 1\nArchitecture: amd64\nSize: 1\nSHA256: " + SHA + "\n";
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> new PackagesIndex("amd64").parse(utf8(text), "idx"));
    assertEquals("idx: package 'java.' (line 1): missing Filename", e.getMessage());
    dev.sealbuild.testsupport.RefusalText.assertPlainWords("Packages", e.getMessage(), "idx", true);
  }

  @Test
  void deb822SyntaxErrorsAreOneLineWithLineNumbers() {
    assertDeb822Error("Package: a\n continuation ok\nno colon here\n", "line 3 is neither");
    assertDeb822Error(" leading continuation\n", "continuation line 1 has no field");
    assertDeb822Error("Package: a\npackage: b\n", "appears twice");
    assertDeb822Error(stanza("a", "1", "amd64", "Tag: x\ntag: y\n"), "field 'tag' appears twice");
  }

  @Test
  void keptFieldsAreFoundWhateverTheCaseOfTheirNames() throws Exception {
    String text = stanza("a", "1", "amd64", "").replace("Package:", "PACKAGE:").replace("Version:", "version:");
    DebianPackage p = new PackagesIndex("amd64").parse(utf8(text), "idx").get(0);
    assertEquals("a", p.name());
    assertEquals("1", p.version().text());
  }

  @Test
  void boundsLineAndStanzaSizeAndRejectsInvalidUtf8() {
    Deb822Reader.Limits small = new Deb822Reader.Limits(100, 300, 10);
    String longLine = "Package: " + "x".repeat(200) + "\n";
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> new PackagesIndex("amd64", small).parse(utf8(longLine), "idx"));
    assertTrue(e.getMessage().contains("longer than 100"), e.getMessage());
    String bigStanza = "Package: a\n" + "Description: x\n" + " more text here\n".repeat(30);
    e = assertThrows(DebianMetadataException.class,
        () -> new PackagesIndex("amd64", small).parse(utf8(bigStanza), "i"));
    assertTrue(e.getMessage().contains("exceeds 300"), e.getMessage());
    byte[] invalid = "Package: a\nDescription: \u00ff\n".getBytes(StandardCharsets.ISO_8859_1);
    e = assertThrows(DebianMetadataException.class,
        () -> new PackagesIndex("amd64").parse(new ByteArrayInputStream(invalid), "idx"));
    assertTrue(e.getMessage().contains("invalid UTF-8"), e.getMessage());
  }

  private static void assertDeb822Error(String text, String expected) {
    DebianMetadataException e = assertThrows(DebianMetadataException.class,
        () -> new PackagesIndex("amd64").parse(utf8(text), "idx"));
    assertTrue(e.getMessage().startsWith("idx: ") && e.getMessage().contains(expected), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line");
  }
}
