import dev.sealbuild.formats.compress.write.LayerCompressor;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Compresses FILE RUNS times in one JVM with one compressor and prints, per run, the CPU-independent wall time in
 * milliseconds and the compressed size: {@code java -cp cli/target/sealbuild.jar:CLASSES CompressBench MODE FILE RUNS}
 * with MODE {@code gzip:THREADS} (sealbuild's parallel gzip, its own deflate), {@code zstd:THREADS} or {@code jdk} (java.util.zip,
 * one thread, the host's libz on Debian's JDK). Run 1 includes JIT warm-up, as a build's first layer does.
 */
public class CompressBench {
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path file = Path.of(args[1]);
    int runs = Integer.parseInt(args[2]);
    byte[] buffer = new byte[256 * 1024];
    for (int run = 1; run <= runs; run++) {
      long[] size = new long[1];
      OutputStream sink = new OutputStream() {
        @Override public void write(int b) { size[0]++; }
        @Override public void write(byte[] b, int off, int len) { size[0] += len; }
      };
      long start = System.nanoTime();
      try (InputStream in = Files.newInputStream(file); OutputStream out = open(mode, sink)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          out.write(buffer, 0, n);
        }
      }
      System.out.printf("%s run %d: %d ms, %d bytes%n", mode, run, (System.nanoTime() - start) / 1_000_000, size[0]);
    }
  }

  private static OutputStream open(String mode, OutputStream sink) throws Exception {
    if (mode.equals("jdk")) {
      return new GZIPOutputStream(sink, 64 * 1024);
    }
    int threads = Integer.parseInt(mode.substring(mode.indexOf(':') + 1));
    return mode.startsWith("gzip:") ? LayerCompressor.gzip(threads).open(sink) : LayerCompressor.zstd(threads).open(sink);
  }
}
