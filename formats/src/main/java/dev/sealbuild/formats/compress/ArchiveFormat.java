package dev.sealbuild.formats.compress;

import dev.sealbuild.formats.compress.Compression;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.OciFormatException;
import java.util.Locale;

/** An archive type, declared by the source's file name; never guessed from the bytes. */
public enum ArchiveFormat {
  TAR(Compression.NONE), TAR_GZIP(Compression.GZIP), TAR_XZ(Compression.XZ), TAR_ZSTD(Compression.ZSTD), ZIP(Compression.NONE);

  private final Compression compression;

  ArchiveFormat(Compression compression) {
    this.compression = compression;
  }

  /** The compression around the archive (zip compresses each member itself: {@link Compression#NONE}). */
  public Compression compression() {
    return compression;
  }

  /** The format a file name declares, e.g. {@code rootfs.tar.gz}; an unknown ending is an error naming it. */
  public static ArchiveFormat fromName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    int q = n.indexOf('?');
    if (q >= 0) {
      n = n.substring(0, q);
    }
    if (n.endsWith(".tar")) {
      return TAR;
    }
    if (n.endsWith(".tar.gz") || n.endsWith(".tgz")) {
      return TAR_GZIP;
    }
    if (n.endsWith(".tar.xz") || n.endsWith(".txz")) {
      return TAR_XZ;
    }
    if (n.endsWith(".tar.zst") || n.endsWith(".tzst")) {
      return TAR_ZSTD;
    }
    if (n.endsWith(".zip")) {
      return ZIP;
    }
    throw new IllegalArgumentException("cannot tell the archive type of '" + name
        + "': the name must end in .tar, .tar.gz, .tgz, .tar.xz, .tar.zst or .zip");
  }

  /**
   * The format an OCI or Docker v2 layer media type declares; an unknown one (a foreign layer, a new compression)
   * is an {@link IllegalArgumentException} naming it.
   */
  public static ArchiveFormat ofLayer(String mediaType) {
    try {
      return of(MediaType.layer(mediaType, "layer").compression());
    } catch (OciFormatException e) {
      throw new IllegalArgumentException("media type " + mediaType + " is not a layer sealbuild can read");
    }
  }

  /** The tar format compressed as {@code compression} says. */
  public static ArchiveFormat of(Compression compression) {
    return switch (compression) {
      case NONE -> TAR;
      case GZIP -> TAR_GZIP;
      case XZ -> TAR_XZ;
      case ZSTD -> TAR_ZSTD;
    };
  }
}
