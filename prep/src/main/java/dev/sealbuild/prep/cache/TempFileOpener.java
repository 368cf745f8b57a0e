package dev.sealbuild.prep.cache;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens the temporary file a blob is streamed into. Exists so tests can simulate a full disk; the
 * cache writer fsyncs the file itself after closing the stream.
 */
@FunctionalInterface
public interface TempFileOpener {
  TempFileOpener DEFAULT = path -> Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  /** Creates {@code path}, which must not exist yet, and returns a stream writing to it. */
  OutputStream create(Path path) throws IOException;
}
