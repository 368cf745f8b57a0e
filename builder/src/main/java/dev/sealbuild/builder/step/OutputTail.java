package dev.sealbuild.builder.step;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Reads a step's output line by line (a line longer than {@link #MAX_LINE} bytes is split), passing every line on and keeping the last few. */
final class OutputTail implements Runnable {
  static final int MAX_LINE = 8192;
  private final InputStream in;
  private final Consumer<String> sink;
  private final int keep;
  private final ArrayDeque<String> last = new ArrayDeque<>();

  OutputTail(InputStream in, Consumer<String> sink, int keep) {
    this.in = in;
    this.sink = sink;
    this.keep = keep;
  }

  @Override
  public void run() {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            emit(line);
          } else {
            line.write(buf[i]);
            if (line.size() >= MAX_LINE) {
              emit(line);
            }
          }
        }
      }
    } catch (IOException e) {
      // the process is gone: its output ends here
    }
    if (line.size() > 0) {
      emit(line);
    }
  }

  private void emit(ByteArrayOutputStream line) {
    String text = line.toString(StandardCharsets.UTF_8);
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    line.reset();
    synchronized (last) {
      last.addLast(text);
      if (last.size() > keep) {
        last.removeFirst();
      }
    }
    try {
      sink.accept(text);
    } catch (RuntimeException e) {
      // A failing consumer must not stop the reading: the step would block on a full pipe until its timeout.
    }
  }

  List<String> lastLines() {
    synchronized (last) {
      return new ArrayList<>(last);
    }
  }
}
