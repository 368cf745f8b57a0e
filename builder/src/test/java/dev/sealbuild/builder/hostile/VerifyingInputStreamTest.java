package dev.sealbuild.builder.hostile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.cache.CacheException;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.formats.digest.VerifyingInputStream;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.formats.digest.Sha256;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checklist item 40: a cached blob must be exactly what the lock pins, and reading it is bounded. */
class VerifyingInputStreamTest {
  private static final String LABEL = "base rootfs rootfs.tar.gz";
  private static final byte[] BLOB = "the pinned content".getBytes();

  private static Sha256 sha256(byte[] data) throws Exception {
    return Sha256.hash(data);
  }

  @Test
  void exactBlobPasses() throws Exception {
    try (VerifyingInputStream in = new VerifyingInputStream(new ByteArrayInputStream(BLOB), sha256(BLOB), (long) BLOB.length, CacheReader.mismatch(LABEL))) {
      assertArrayEquals(BLOB, in.readAllBytes());
      in.drainAndVerify();
    }
  }

  @Test
  void digestMismatchIsRejectedNamingTheBlob() throws Exception {
    byte[] tampered = BLOB.clone();
    tampered[0] ^= 1;
    for (Long size : new Long[] {(long) BLOB.length, null}) {
      VerifyingInputStream in = new VerifyingInputStream(new ByteArrayInputStream(tampered), sha256(BLOB), size, CacheReader.mismatch(LABEL));
      CacheException e = assertThrows(CacheException.class, in::drainAndVerify);
      assertTrue(e.getMessage().startsWith(LABEL) && e.getMessage().contains("corrupt") && e.getMessage().contains(sha256(BLOB).toString()),
          e.getMessage());
    }
  }

  @Test
  void truncatedBlobIsRejected() throws Exception {
    byte[] shorter = Arrays.copyOf(BLOB, BLOB.length - 3);
    VerifyingInputStream in = new VerifyingInputStream(new ByteArrayInputStream(shorter), sha256(BLOB), (long) BLOB.length, CacheReader.mismatch(LABEL));
    CacheException e = assertThrows(CacheException.class, in::drainAndVerify);
    assertTrue(e.getMessage().contains(LABEL), e.getMessage());
  }

  @Test
  void longerBlobIsRejectedWithoutReadingItAll() throws Exception {
    long[] delivered = {0};
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        delivered[0]++;
        return 'x';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        Arrays.fill(b, off, off + len, (byte) 'x');
        delivered[0] += len;
        return len;
      }
    };
    VerifyingInputStream in = new VerifyingInputStream(endless, sha256(BLOB), (long) BLOB.length, CacheReader.mismatch(LABEL));
    CacheException e = assertThrows(CacheException.class, in::drainAndVerify);
    assertTrue(e.getMessage().contains("larger than the " + BLOB.length + " bytes"), e.getMessage());
    // Reads stop one byte past the pinned size.
    assertTrue(delivered[0] <= BLOB.length + 1, "read " + delivered[0] + " bytes");
  }

  @Test
  void blobShorterThanThePinnedSizeIsRejectedEvenIfTheDigestMatches() throws Exception {
    VerifyingInputStream in = new VerifyingInputStream(new ByteArrayInputStream(BLOB), sha256(BLOB), (long) BLOB.length + 10, CacheReader.mismatch(LABEL));
    assertThrows(CacheException.class, in::drainAndVerify);
  }

  @Test
  void cacheEntryThatIsASymlinkIsNotFollowed(@TempDir Path cacheDir) throws Exception {
    VendorCacheLayout layout = new VendorCacheLayout(cacheDir);
    Files.createDirectories(layout.blobsDir());
    Path target = Files.write(cacheDir.resolve("elsewhere"), BLOB);
    Files.createSymbolicLink(layout.blob(sha256(BLOB)), target);
    CacheException e = assertThrows(CacheException.class, () -> new CacheReader(layout).open(sha256(BLOB), (long) BLOB.length, LABEL));
    assertTrue(e.getMessage().contains("run build prep"), e.getMessage());
  }
}
