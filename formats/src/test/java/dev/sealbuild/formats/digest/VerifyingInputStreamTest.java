package dev.sealbuild.formats.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class VerifyingInputStreamTest {
  private static final byte[] BLOB = "pinned".getBytes();

  private static final VerifyingInputStream.Mismatch SAYS = new VerifyingInputStream.Mismatch() {
    @Override
    public void tooLong(long expectedSize) throws IOException {
      throw new IOException("longer than " + expectedSize);
    }

    @Override
    public void wrongSize(long actualSize, long expectedSize) throws IOException {
      throw new IOException(actualSize + " bytes, not " + expectedSize);
    }

    @Override
    public void wrongDigest(Sha256 actual, Sha256 expected) throws IOException {
      throw new IOException("digest " + actual.hex().substring(0, 8));
    }
  };

  @Test
  void theHasherAgreesWithTheKnownDigestOfNothing() {
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.hash(new byte[0]).hex());
    Sha256Hasher h = new Sha256Hasher();
    h.update(BLOB, 0, 3);
    h.update(BLOB, 3, 3);
    assertEquals(6, h.count());
    assertEquals(Sha256.hash(BLOB), h.digest());
  }

  @Test
  void theExactBlobPasses() throws Exception {
    try (VerifyingInputStream in = new VerifyingInputStream(new ByteArrayInputStream(BLOB), Sha256.hash(BLOB), 6L, SAYS)) {
      assertArrayEquals(BLOB, in.readAllBytes());
      in.drainAndVerify();
    }
  }

  @Test
  void aLongerBlobIsStoppedAtSizePlusOneAndAShorterOrAlteredOneAtItsEnd() {
    byte[] longer = "pinned and more".getBytes();
    VerifyingInputStream in = new VerifyingInputStream(new ByteArrayInputStream(longer), Sha256.hash(BLOB), 6L, SAYS);
    assertEquals("longer than 6", assertThrows(IOException.class, in::readAllBytes).getMessage());
    VerifyingInputStream shorter = new VerifyingInputStream(new ByteArrayInputStream("pin".getBytes()), Sha256.hash(BLOB), 6L, SAYS);
    assertEquals("3 bytes, not 6", assertThrows(IOException.class, shorter::drainAndVerify).getMessage());
    VerifyingInputStream altered = new VerifyingInputStream(new ByteArrayInputStream("PINNED".getBytes()), Sha256.hash(BLOB), null, SAYS);
    assertThrows(IOException.class, altered::drainAndVerify);
    assertThrows(IOException.class, altered::drainAndVerify, "a mismatch is reported again on every call");
  }

  @Test
  void theDigestingOutputStreamCountsAndHashes() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    DigestingOutputStream out = new DigestingOutputStream(sink);
    out.write(BLOB);
    assertEquals(6, out.count());
    assertEquals(Sha256.hash(BLOB), out.digest());
  }
}
