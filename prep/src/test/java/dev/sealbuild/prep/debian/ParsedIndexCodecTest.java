package dev.sealbuild.prep.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.deb.SyntheticRepository;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The parsed form of an index: decodes to what was encoded, and a damaged one is absent (never a crash). */
class ParsedIndexCodecTest {
  private static final String MAGIC = "sealbuild-parsed-packages-v2\n";

  private static ParsedPackages packages() throws Exception {
    String index = String.join("\n", List.of(
        SyntheticRepository.pkg("hello", "2.10-3", "Depends: zlib1g, libc6 (>= 2.34) | musl:amd64\n"),
        SyntheticRepository.pkg("libc6", "2.36-9", "Breaks: hello (<< 2)\n"),
        SyntheticRepository.pkg("tzdata", "2024a-1", "all", "")));
    return ParsedPackages.of(new PackagesIndex("amd64").parse(
        new java.io.ByteArrayInputStream(index.getBytes(StandardCharsets.UTF_8)), "test-index"));
  }

  @Test
  void decodesToTheSamePackagesAndNameOrder() throws Exception {
    ParsedPackages packages = packages();
    assertEquals(List.of("hello", "zlib1g", "libc6", "tzdata"), packages.names().names(),
        "first appearance, relation names included, qualified ones not");
    assertEquals(Optional.of(packages), ParsedIndexCodec.decode(ParsedIndexCodec.encode("amd64", packages), "amd64"));
  }

  @Test
  void aCountLargerThanTheFileIsRefusedEvenWhenTheChecksumMatches() throws Exception {
    byte[] data = ParsedIndexCodec.encode("amd64", packages());
    int tableCount = MAGIC.length() + 4 + "amd64".length();
    ByteBuffer.wrap(data).putInt(tableCount, Integer.MAX_VALUE);
    rehash(data);
    assertTrue(ParsedIndexCodec.decode(data, "amd64").isEmpty());
    ByteBuffer.wrap(data).putInt(tableCount, -1);
    rehash(data);
    assertTrue(ParsedIndexCodec.decode(data, "amd64").isEmpty());
  }

  @Test
  void aFlippedByteIsNoticed() throws Exception {
    byte[] data = ParsedIndexCodec.encode("amd64", packages());
    data[data.length / 2] ^= 1;
    assertTrue(ParsedIndexCodec.decode(data, "amd64").isEmpty());
  }

  private static void rehash(byte[] data) throws Exception {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(data, 0, data.length - 4);
    ByteBuffer.wrap(data).putInt(data.length - 4, (int) crc.getValue());
    assertEquals(MAGIC, new String(data, 0, MAGIC.length(), StandardCharsets.US_ASCII));
  }
}
