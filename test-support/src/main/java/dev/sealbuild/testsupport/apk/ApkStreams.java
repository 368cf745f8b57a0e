package dev.sealbuild.testsupport.apk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** The pieces apk files are made of, for building them and for hand-crafting broken ones: tars, gzip members, signatures. */
public final class ApkStreams {
  private static final int BLOCK = 512;

  private ApkStreams() {}

  /** A tar entry to write with {@link #tar}. */
  public record TarItem(TarArchiveEntry entry, byte[] content) {
  }

  /** A regular file owned by root, mode 0644, mtime 0, with the given PAX headers. */
  public static TarItem regular(String name, byte[] content, Map<String, String> pax) {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    entry.setMode(0100644);
    entry.setModTime(0);
    entry.setUserName("root");
    entry.setGroupName("root");
    pax.forEach(entry::addPaxHeader);
    return new TarItem(entry, content);
  }

  /** Writes a POSIX tar; {@code cut} drops the end-of-archive blocks, as {@code abuild-tar --cut}. */
  public static byte[] tar(List<TarItem> items, boolean cut) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, BLOCK)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (TarItem item : items) {
        tar.putArchiveEntry(item.entry());
        tar.write(item.content());
        tar.closeArchiveEntry();
      }
      tar.flush();
      int end = out.size();
      tar.finish();
      byte[] bytes = out.toByteArray();
      if (bytes.length != end + 2 * BLOCK) {
        throw new IllegalStateException("unexpected tar trailer length " + (bytes.length - end));
      }
      return cut ? Arrays.copyOf(bytes, end) : bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A signature stream: a cut tar holding {@code .SIGN.<type>.<key>} signing {@code signed}, as abuild-sign. */
  public static byte[] signatureStream(SigningKey key, String type, byte[] signed) {
    String algorithm = switch (type) {
      case "RSA" -> "SHA1withRSA";
      case "RSA256" -> "SHA256withRSA";
      case "RSA512" -> "SHA512withRSA";
      default -> throw new IllegalArgumentException(type);
    };
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key.keyPair().getPrivate());
      signer.update(signed);
      byte[] signature = signer.sign();
      return gzip(tar(List.of(regular(".SIGN." + type + "." + key.name(), signature, Map.of())), true));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  public static byte[] digest(String algorithm, byte[] bytes) {
    try {
      return MessageDigest.getInstance(algorithm).digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
