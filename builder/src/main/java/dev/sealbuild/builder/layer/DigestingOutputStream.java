package dev.sealbuild.builder.layer;

import dev.sealbuild.formats.digest.Sha256;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Hashes and counts what passes through. */
public final class DigestingOutputStream extends FilterOutputStream {
  private final MessageDigest digest;
  private long count;

  public DigestingOutputStream(OutputStream out) {
    super(out);
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    digest.update((byte) b);
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    digest.update(b, off, len);
    count += len;
  }

  public Sha256 digest() {
    return Sha256.of(digest.digest());
  }

  public long count() {
    return count;
  }
}
