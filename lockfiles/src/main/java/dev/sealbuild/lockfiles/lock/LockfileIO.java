package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.sealbuild.formats.json.CanonicalJson;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reads and writes {@code build.lock.json} in its canonical form. Writes are atomic. */
public final class LockfileIO {
  private static final long MAX_LOCK_BYTES = 64L << 20;
  private final ObjectReader reader = CanonicalJson.mapper()
      .readerFor(Lockfile.class)
      .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  public static Path besideSpec(Path specFile) {
    return specFile.toAbsolutePath().normalize().resolveSibling(Lockfile.FILE_NAME);
  }

  public Lockfile read(Path file) {
    try {
      if (Files.size(file) > MAX_LOCK_BYTES) {
        throw new LockException(file + ": lockfile is larger than 64 MiB");
      }
      return reader.readValue(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new LockException(file + ": no lockfile; run 'build lock' first");
    } catch (JsonMappingException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      String msg = root instanceof JsonProcessingException jp ? jp.getOriginalMessage() : root.getMessage();
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw new LockException(file + (line > 0 ? ":" + line : "") + ": invalid lockfile: " + inWords(e, firstLine(msg))
          + "; run 'build lock' to regenerate it");
    } catch (JsonProcessingException e) {
      throw new LockException(file + ": lockfile is not valid JSON: " + firstLine(e.getOriginalMessage()) + "; run 'build lock' to regenerate it");
    } catch (IOException e) {
      throw new LockException(file + ": cannot read lockfile: " + e.getMessage());
    }
  }

  /**
   * Jackson's binding errors without Java: an unknown key is named as one (Jackson says "Unrecognized field "x" (class
   * dev.sealbuild...LockedPackage), not marked as ignorable"), and any other message loses its class and type names.
   */
  static String inWords(JsonMappingException e, String message) {
    if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException unknown) {
      return "unknown key '" + dev.sealbuild.formats.io.Printable.of(String.valueOf(unknown.getPropertyName())) + "'";
    }
    if (message.startsWith("Cannot construct instance of") || message.startsWith("Cannot deserialize value of type")) {
      return "a value of the wrong type"; // Jackson names Java types and quotes the value raw (found by LockFuzzTest)
    }
    return dev.sealbuild.formats.io.Printable.of(message).replaceAll("\\s*\\(class [\\w.$]+\\)", "")
        .replaceAll("`(?:[\\w$]+\\.)+([\\w$]+)`", "$1")
        .replaceAll("(?:[a-z]\\w*\\.)+([A-Z][\\w$]*)", "$1");
  }

  public byte[] toBytes(Lockfile lock) {
    return CanonicalJson.pretty(lock);
  }

  public void write(Lockfile lock, Path file) {
    byte[] bytes = toBytes(lock);
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, ".build.lock.", ".tmp");
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new LockException(file + ": cannot write lockfile: " + e.getMessage());
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the temp file is hidden and named as ours
        }
      }
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
