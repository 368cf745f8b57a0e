package dev.sealbuild.lockfiles.lock;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
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

  /**
   * The one reader, made on first use: making it introspects every lock type, which costs tens of milliseconds in a
   * fresh JVM, and a build that only writes a lock's bytes (its SBOM, its provenance) should not pay for that.
   * Immutable, so shared.
   */
  private static final class Reader {
    static final ObjectReader LOCKFILE = strict(CanonicalJson.mapper().copy())
        .readerFor(Lockfile.class)
        .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** A lock is written by sealbuild: a number where a string belongs (or the reverse) is damage, not shorthand. */
  private static ObjectMapper strict(ObjectMapper mapper) {
    for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float,
        CoercionInputShape.Boolean}) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    return mapper;
  }

  public static Path besideSpec(Path specFile) {
    return specFile.toAbsolutePath().normalize().resolveSibling(Lockfile.FILE_NAME);
  }

  public Lockfile read(Path file) {
    try {
      if (Files.size(file) > MAX_LOCK_BYTES) {
        throw new LockException(file + ": lockfile is larger than 64 MiB");
      }
      return Reader.LOCKFILE.readValue(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new LockException(file + ": no lockfile; run 'build lock' first");
    } catch (JsonMappingException e) {
      JsonLocation location = e.getCause() instanceof JsonProcessingException syntax && syntax.getLocation() != null
          ? syntax.getLocation() : e.getLocation();
      int line = location == null ? -1 : location.getLineNr();
      throw new LockException(file + (line > 0 ? ":" + line : "") + ": invalid lockfile: " + LockReadErrors.describe(e)
          + "; run 'build lock' to regenerate it");
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw new LockException(file + (line > 0 ? ":" + line : "") + ": invalid lockfile: " + LockReadErrors.syntax(e)
          + "; run 'build lock' to regenerate it");
    } catch (IOException e) {
      throw new LockException(file + ": cannot read lockfile: " + e.getMessage());
    }
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

}
