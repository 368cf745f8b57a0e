package dev.sealbuild.prep.baseimage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.HostileInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Base layers read at lock time are decompressed with the same bounds as at image time. */
class LayerStreamsTest {
  private static final String GZIP_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

  @Test
  void aGzipLayerIsDecompressed() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(gz)) {
      out.write("layer".getBytes());
    }
    try (InputStream in = LayerStreams.tar(new ByteArrayInputStream(gz.toByteArray()), GZIP_LAYER, "layer 1")) {
      assertArrayEquals("layer".getBytes(), in.readAllBytes());
    }
  }

  @Test
  void aDecompressionBombIsStoppedAtTheRatioLimit() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(gz)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 128; i++) {
        out.write(zeros);
      }
    }
    InputStream in = LayerStreams.tar(new ByteArrayInputStream(gz.toByteArray()), GZIP_LAYER, "layer 1");
    HostileInputException e = assertThrows(HostileInputException.class, () -> in.transferTo(OutputStream.nullOutputStream()));
    assertTrue(e.getMessage().startsWith("layer 1: compression ratio above 250:1"), e.getMessage());
  }

  @Test
  void anUnknownMediaTypeIsRefused() {
    IOException e = assertThrows(IOException.class,
        () -> LayerStreams.tar(new ByteArrayInputStream(new byte[0]), "application/x-foreign", "layer 1"));
    assertTrue(e.getMessage().contains("not a layer sealbuild can read"), e.getMessage());
  }
}
