package dev.sealbuild.builder.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.formats.digest.Sha256;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checklist item 39, for {@code dev.sealbuild.formats.digest.Sha256} (the only way the builder names a
 * cache blob): a digest string is validated before any path is built from it.
 */
class DigestParsingTest {
  private static final String HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @ParameterizedTest
  @ValueSource(strings = {
      "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", // uppercase
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85", // 63
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555", // 65
      "sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // wrong algorithm, 64 hex
      "sha256:../../x",
      "sha256:../../../../etc/passwd/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934",
      "md5:d41d8cd98f00b204e9800998ecf8427e",
      "SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "sha256:",
      "",
      ":e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "sha256:sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      " sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85\u0665", // Arabic-Indic digit
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85/",
  })
  void malformedDigestsAreRejected(String text) {
    assertThrows(IllegalArgumentException.class, () -> Sha256.parse(text));
  }

  @Test
  void rejectionMessageIsOneLineWhateverTheInput() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Sha256.parse("sha256:" + HEX.substring(1) + "\nforged log line"));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void hugeDigestStringIsRejectedWithAShortMessage() {
    String huge = "sha256:" + "a".repeat(1 << 20);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sha256.parse(huge));
    assertTrue(e.getMessage().length() < 300, "message length " + e.getMessage().length());
  }

  @Test
  void validDigestsParseAndNameABlobInsideTheCache() {
    Sha256 withPrefix = Sha256.parse("sha256:" + HEX);
    assertEquals(withPrefix, Sha256.parse(HEX));
    assertEquals("sha256:" + HEX, withPrefix.toString());
    VendorCacheLayout cache = new VendorCacheLayout(Path.of("/cache"));
    Path blob = cache.blob(withPrefix);
    assertEquals(Path.of("/cache/blobs/sha256/" + HEX), blob);
    assertTrue(blob.normalize().startsWith(cache.blobsDir()));
  }

  @Test
  void lockDocumentsCannotSmuggleABadDigest() {
    ObjectMapper json = new ObjectMapper();
    assertThrows(Exception.class, () -> json.readValue("\"sha256:../../x\"", Sha256.class));
    assertThrows(Exception.class, () -> json.readValue("\"sha512:" + HEX + "\"", Sha256.class));
    assertThrows(Exception.class, () -> json.readValue("{\"hex\":\"../../x\"}", Sha256.class));
    assertEquals(Sha256.ofHex(HEX), assertDoesNotThrow(() -> json.readValue("\"sha256:" + HEX + "\"", Sha256.class)));
  }

  private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
    return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
  }
}
