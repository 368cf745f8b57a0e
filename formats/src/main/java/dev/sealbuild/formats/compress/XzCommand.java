package dev.sealbuild.formats.compress;

import dev.sealbuild.formats.io.Failures;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host's {@code xz} (XZ Utils, liblzma) as an xz decoder: about twice as fast as xz-java, which matters because
 * a Debian package's payload is one xz block that only one thread can decode. Decoding is exact (the output is fixed
 * by the input and checked against the stream's own CRC-64), so no byte of a build depends on which decoder ran;
 * compression never goes through a host tool. The process gets the memory limit xz-java would have, no
 * {@code XZ_OPT} or {@code XZ_DEFAULTS} from the caller's environment, and the C locale (its one-line errors become
 * the same words {@link Decompressors} gives xz-java's).
 */
public final class XzCommand {
  private static final int CHUNK = 64 * 1024;
  private static final int MAX_ERROR_TEXT = 4096;

  private static final Pattern XZ_UTILS_VERSION = Pattern.compile("xz \\(XZ Utils\\) (\\d+)\\.(\\d+)\\..*");

  private final Path executable;
  /** Whether the program is XZ Utils 5.2 or later, asked once, when first needed. */
  private volatile Boolean usable;

  public XzCommand(Path executable) {
    this.executable = Objects.requireNonNull(executable, "executable");
  }

  /** The first executable {@code xz} in the directories of a {@code PATH} value, if any. */
  public static Optional<XzCommand> onPath(String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "xz");
      if (candidate.isAbsolute() && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(new XzCommand(candidate));
      }
    }
    return Optional.empty();
  }

  public Path executable() {
    return executable;
  }

  /**
   * Whether the program is XZ Utils 5.2 or later (the options used here), by its {@code --version}: an {@code xz}
   * that is something else (BusyBox's applet, an old release) is left alone and xz-java decodes.
   */
  public boolean usable() {
    Boolean known = usable;
    if (known == null) {
      known = askVersion();
      usable = known;
    }
    return known;
  }

  private boolean askVersion() {
    try {
      ProcessBuilder builder = new ProcessBuilder(List.of(executable.toString(), "--version"))
          .redirectErrorStream(true);
      builder.environment().put("LC_ALL", "C");
      Process process = builder.start();
      process.getOutputStream().close();
      String first;
      try (InputStream out = process.getInputStream()) {
        first = new String(out.readNBytes(MAX_ERROR_TEXT), StandardCharsets.UTF_8).lines().findFirst().orElse("");
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      Matcher version = XZ_UTILS_VERSION.matcher(first.strip());
      if (process.exitValue() != 0 || !version.matches()) {
        return false;
      }
      int major = Integer.parseInt(version.group(1));
      return major > 5 || major == 5 && Integer.parseInt(version.group(2)) >= 2;
    } catch (IOException | NumberFormatException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The decompressed bytes of the xz stream(s) {@code compressed} holds, read by a thread of its own into the
   * process. Errors come at the end of the output, as {@link Failure} (xz's own words) or as the exception
   * {@code compressed} itself threw. Closing the result before its end stops the process; it closes
   * {@code compressed} either way.
   */
  InputStream decode(InputStream compressed, int memoryLimitKiB) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(List.of(executable.toString(), "--decompress", "--stdout", "--threads=1",
        "--memlimit-decompress=" + (long) memoryLimitKiB * 1024));
    Map<String, String> environment = builder.environment();
    environment.remove("XZ_OPT");
    environment.remove("XZ_DEFAULTS");
    environment.put("LC_ALL", "C");
    Process process = builder.start();
    Feeder feeder = new Feeder(compressed, process.getOutputStream());
    Thread thread = new Thread(feeder, "sealbuild-xz-input");
    thread.setDaemon(true);
    thread.start();
    return new Output(process, feeder, thread);
  }

  /** xz stopped with an error: its message, without the program and file name. */
  public static final class Failure extends IOException {
    /** What xz's message says went wrong, where sealbuild words it itself. */
    public enum Kind { TRUNCATED, MEMORY_LIMIT, OTHER }

    private final Kind kind;

    Failure(String message, Kind kind) {
      super(message);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }

  /**
   * Copies the compressed bytes into the process. Remembers why reading them failed; a failed write only means xz
   * stopped reading, and its exit status says why.
   */
  private static final class Feeder implements Runnable {
    private final InputStream in;
    private final OutputStream out;
    private volatile Throwable failure;
    private volatile boolean stopped;

    Feeder(InputStream in, OutputStream out) {
      this.in = in;
      this.out = out;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[CHUNK];
      try {
        while (!stopped) {
          int n;
          try {
            n = in.read(buffer);
          } catch (IOException | RuntimeException e) {
            if (!stopped) {
              failure = e;
            }
            return;
          }
          if (n < 0) {
            return;
          }
          try {
            out.write(buffer, 0, n);
          } catch (IOException e) {
            return;
          }
        }
      } finally {
        try {
          out.close();
        } catch (IOException e) {
          // xz has stopped reading; its exit status tells why
        }
      }
    }

    void rethrowFailure() throws IOException {
      Throwable t = failure;
      if (t != null) {
        throw Failures.rethrow(t);
      }
    }
  }

  private static final class Output extends InputStream {
    private final Process process;
    private final Feeder feeder;
    private final Thread thread;
    private final InputStream stdout;
    private boolean ended;
    private boolean closed;

    Output(Process process, Feeder feeder, Thread thread) {
      this.process = process;
      this.feeder = feeder;
      this.thread = thread;
      this.stdout = process.getInputStream();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
      if (ended) {
        return -1;
      }
      int n = stdout.read(b, off, len);
      if (n < 0) {
        finish();
      }
      return n;
    }

    /** At the end of xz's output: the input's own error first, then xz's verdict. */
    private void finish() throws IOException {
      ended = true;
      int status;
      try {
        thread.join();
        status = process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new InterruptedIOException("interrupted while xz decoded");
      }
      feeder.rethrowFailure();
      if (status != 0) {
        throw failure(errorText(), status);
      }
    }

    private String errorText() throws IOException {
      byte[] text = process.getErrorStream().readNBytes(MAX_ERROR_TEXT);
      return new String(text, StandardCharsets.UTF_8).strip();
    }

    private static IOException failure(String text, int status) {
      String line = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
      // "xz: (stdin): Compressed data is corrupt" -> "Compressed data is corrupt"
      String message = line.replaceFirst("^[^:]*: \\(stdin\\): ", "").replaceFirst("^xz: ", "");
      if (message.isEmpty()) {
        return new Failure("xz exited with status " + status, Failure.Kind.OTHER);
      }
      Failure.Kind kind = message.startsWith("Unexpected end of input") ? Failure.Kind.TRUNCATED
          : message.startsWith("Memory usage limit reached") ? Failure.Kind.MEMORY_LIMIT : Failure.Kind.OTHER;
      return new Failure(message, kind);
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      if (!ended) {
        feeder.stopped = true;
        process.destroyForcibly();
      }
      try {
        stdout.close();
        process.getErrorStream().close();
        thread.join();
        if (!ended) {
          process.waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        feeder.in.close();
      }
    }
  }
}
