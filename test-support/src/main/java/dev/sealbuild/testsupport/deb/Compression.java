package dev.sealbuild.testsupport.deb;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** How a generated .deb compresses its control.tar and data.tar members, and the suffix that declares it. */
public enum Compression {
  NONE(""), GZ(".gz"), XZ(".xz"), ZST(".zst");

  public final String suffix;

  Compression(String suffix) {
    this.suffix = suffix;
  }

  public byte[] compress(byte[] raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = open(bytes)) {
      out.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private OutputStream open(OutputStream sink) throws IOException {
    return switch (this) {
      case NONE -> sink;
      case GZ -> new GzipCompressorOutputStream(sink);
      case XZ -> new XZOutputStream(sink, new LZMA2Options());
      case ZST -> new ZstdOutputStream(sink);
    };
  }
}
