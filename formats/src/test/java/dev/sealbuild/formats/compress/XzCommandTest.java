package dev.sealbuild.formats.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.HostileInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * The host's xz as the decoder of xz streams: the same bytes as xz-java, the same one-line errors for damaged,
 * truncated, foreign and memory-hungry streams and for bombs, the reader's own errors passed through, and no process
 * left running. Needs xz (XZ Utils) on the PATH, which every Debian system has and CI installs.
 */
class XzCommandTest {
  private static final DecompressionLimits LIMITS = DecompressionLimits.DEFAULT;
  private static final XzCommand HOST = XzCommand.onPath(System.getenv("PATH"))
      .orElseThrow(() -> new AssertionError("xz is not on the PATH: install xz-utils"));

  @TempDir Path dir;

  static Stream<String> decoders() {
    return Stream.of("xz-java", "host xz");
  }

  private static Decompressors decompressors(String decoder, DecompressionLimits limits) {
    return new Decompressors(limits, decoder.equals("host xz") ? HOST : null);
  }

  /** Text and noise, like a package's payload: compresses, but not to nothing. */
  private static byte[] payload(int size) {
    Random random = new Random(42);
    byte[] data = new byte[size];
    for (int i = 0; i < size; ) {
      byte[] line = ("line " + i + " of a file, " + Long.toHexString(random.nextLong()) + "\n").getBytes(StandardCharsets.US_ASCII);
      int n = Math.min(line.length, size - i);
      System.arraycopy(line, 0, data, i, n);
      i += n;
    }
    return data;
  }

  private static byte[] xz(byte[] data, int preset) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (XZOutputStream xz = new XZOutputStream(out, new LZMA2Options(preset))) {
      xz.write(data);
    }
    return out.toByteArray();
  }

  private static byte[] decode(Decompressors decompressors, byte[] compressed, String what) throws IOException {
    try (InputStream in = decompressors.open(Compression.XZ, new ByteArrayInputStream(compressed), what)) {
      return in.readAllBytes();
    }
  }

  private static String refusal(Decompressors decompressors, byte[] compressed, String what) {
    return assertThrows(HostileInputException.class, () -> decode(decompressors, compressed, what)).getMessage();
  }

  @Test
  void theHostDecodesTheSameBytesAsXzJavaIncludingConcatenatedStreams() throws IOException {
    byte[] data = payload(3 << 20);
    byte[] first = xz(Arrays.copyOf(data, 1 << 20), 6);
    byte[] second = xz(Arrays.copyOfRange(data, 1 << 20, data.length), 1);
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);

    byte[] host = decode(decompressors("host xz", LIMITS), both, "data.tar.xz");
    assertArrayEquals(decode(decompressors("xz-java", LIMITS), both, "data.tar.xz"), host);
    assertArrayEquals(data, host);
  }

  @ParameterizedTest
  @MethodSource("decoders")
  void aTruncatedStreamIsRefusedInTheSameWordsByEitherDecoder(String decoder) throws IOException {
    byte[] whole = xz(payload(1 << 20), 1);
    String message = refusal(decompressors(decoder, LIMITS), Arrays.copyOf(whole, whole.length / 2), "pkg data.tar.xz");
    assertEquals("pkg data.tar.xz: the xz stream ends early (a truncated download or a damaged file)", message);
  }

  @ParameterizedTest
  @MethodSource("decoders")
  void damagedDataIsRefusedNamingTheStream(String decoder) throws IOException {
    byte[] bytes = xz(payload(1 << 20), 1);
    bytes[bytes.length / 2] ^= 0x5a;
    String message = refusal(decompressors(decoder, LIMITS), bytes, "pkg data.tar.xz");
    assertTrue(message.startsWith("pkg data.tar.xz: damaged xz data ("), message);
    assertEquals(1, message.lines().count(), message);
  }

  @ParameterizedTest
  @MethodSource("decoders")
  void bytesThatAreNotXzAreRefusedNamingTheStream(String decoder) {
    String message = refusal(decompressors(decoder, LIMITS), "plain text, not xz\n".repeat(100).getBytes(), "Packages.xz");
    assertTrue(message.startsWith("Packages.xz: not a valid xz stream ("), message);
  }

  @ParameterizedTest
  @MethodSource("decoders")
  void aStreamNeedingMoreMemoryThanTheLimitIsRefused(String decoder) throws IOException {
    DecompressionLimits oneMiB = new DecompressionLimits(1L << 30, 250, 64L << 20, 1024, 27);
    String message = refusal(decompressors(decoder, oneMiB), xz(payload(64 * 1024), 6), "big.tar.xz");
    // xz-java says how much it needs; xz(1) rounds that to MiB, so only that it needs more is said
    assertTrue(message.matches("big\\.tar\\.xz: the xz stream needs (\\d+ KiB of memory to decode, over|more memory to decode than)"
        + " the 1024 KiB limit; refusing"), message);
  }

  @ParameterizedTest
  @MethodSource("decoders")
  void aBombIsStoppedAtTheRatioLimit(String decoder) throws IOException {
    DecompressionLimits small = new DecompressionLimits(1L << 30, 50, 1 << 20, 256 * 1024, 27);
    String message = refusal(decompressors(decoder, small), xz(new byte[32 << 20], 0), "bomb.tar.xz");
    assertEquals("bomb.tar.xz: compression ratio above 50:1; refusing (possible decompression bomb)", message);
  }

  @Test
  void theReadersOwnErrorComesThroughAsItIs() throws IOException {
    byte[] bytes = xz(payload(2 << 20), 0);
    IOException diskError = new IOException("Input/output error reading the cache");
    InputStream failing = new FilterInputStream(new ByteArrayInputStream(bytes)) {
      private int read;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (read > bytes.length / 2) {
          throw diskError;
        }
        int n = super.read(b, off, Math.min(len, 4096));
        read += Math.max(n, 0);
        return n;
      }
    };
    try (InputStream in = decompressors("host xz", LIMITS).open(Compression.XZ, failing, "blob")) {
      assertSame(diskError, assertThrows(IOException.class, in::readAllBytes));
    }
  }

  @Test
  void closingBeforeTheEndStopsTheProcess() throws Exception {
    InputStream in = decompressors("host xz", LIMITS).open(Compression.XZ,
        new ByteArrayInputStream(xz(payload(8 << 20), 0)), "data.tar.xz");
    assertEquals(1000, in.readNBytes(1000).length);
    assertTrue(xzChildren() > 0, "no xz process seen while decoding");
    in.close();
    for (int i = 0; i < 100 && xzChildren() > 0; i++) {
      Thread.sleep(20);
    }
    assertEquals(0, xzChildren(), "an xz process is left after close");
  }

  private static long xzChildren() {
    return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("/xz")).orElse(false)).count();
  }

  @Test
  void smallStreamsOfAKnownSizeAreLeftToXzJava() throws IOException {
    byte[] small = xz(payload(10_000), 6);
    Decompressors host = decompressors("host xz", LIMITS);
    try (InputStream in = host.tarStream(new ByteArrayInputStream(small), ArchiveFormat.TAR_XZ, "control.tar.xz", small.length)) {
      assertEquals(0, xzChildren(), "an xz process was started for a " + small.length + "-byte stream");
      assertEquals(10_000, in.readAllBytes().length);
    }
  }

  private Path script(String name, String body) throws IOException {
    Path file = Files.writeString(Files.createDirectories(dir.resolve("bin")).resolve(name), "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  @Test
  void anXzThatIsNotXzUtilsFiveTwoOrLaterIsLeftAloneAndXzJavaDecodes() throws IOException {
    assertTrue(HOST.usable(), HOST.executable() + " --version is not XZ Utils 5.2 or later");
    byte[] data = payload(200_000);
    byte[] compressed = xz(data, 6);
    for (String version : List.of("xz (BusyBox) 1.36.1", "xz (XZ Utils) 5.0.8", "unrecognized option '--version'")) {
      XzCommand other = new XzCommand(script("xz", "echo \"" + version + "\"; exit 0"));
      assertFalse(other.usable(), version);
      try (InputStream in = new Decompressors(LIMITS, other).open(Compression.XZ, new ByteArrayInputStream(compressed), "data.tar.xz")) {
        assertArrayEquals(data, in.readAllBytes(), "decoded with " + version + " on the PATH");
      }
    }
    assertTrue(new XzCommand(script("xz", "echo 'xz (XZ Utils) 5.6.2'; echo 'liblzma 5.6.2'")).usable());
  }

  @Test
  void thePathIsSearchedInOrderForAnExecutableXz() throws IOException {
    Path notExecutable = Files.createDirectories(dir.resolve("a"));
    Files.writeString(notExecutable.resolve("xz"), "not a program");
    Path executable = Files.createDirectories(dir.resolve("b"));
    Files.writeString(executable.resolve("xz"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(executable.resolve("xz"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Optional<XzCommand> found = XzCommand.onPath("relative/dir:" + notExecutable + "::" + executable);
    assertEquals(Optional.of(executable.resolve("xz")), found.map(XzCommand::executable));
    assertFalse(XzCommand.onPath(notExecutable.toString()).isPresent());
    assertFalse(XzCommand.onPath(null).isPresent());
  }
}
