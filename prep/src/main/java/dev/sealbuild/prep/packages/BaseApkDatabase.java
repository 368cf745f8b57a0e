package dev.sealbuild.prep.packages;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An Alpine base's package database ({@code lib/apk/db/installed} and {@code etc/apk/world}) for the resolver: what
 * the base already has is not installed again. Read with {@link BaseFiles}; nothing is extracted.
 */
public final class BaseApkDatabase {
  static final String INSTALLED = "lib/apk/db/installed";
  static final String WORLD = "etc/apk/world";
  /** The paths this class needs from a base. */
  public static final Predicate<String> FILES = Set.of(INSTALLED, WORLD)::contains;

  private BaseApkDatabase() {}

  /** Null when the tarball holds no apk database (not an Alpine root filesystem). */
  public static AlpineLocker.Transport.BaseDatabase read(InputStream raw, String fileName) throws IOException {
    return of(BaseFiles.readRootfs(raw, fileName, FILES));
  }

  /** The database of a base image, read through its layers from the bottom up; null when there is none. */
  public static AlpineLocker.Transport.BaseDatabase readLayers(List<BaseFiles.Layer> layers) throws IOException {
    return of(BaseFiles.readLayers("base image", layers, FILES));
  }

  /** The database among files collected from a base; null when there is none. */
  public static AlpineLocker.Transport.BaseDatabase of(BaseFiles.Found found) {
    String installed = found.get(INSTALLED).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    String world = found.get(WORLD).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    return installed == null ? null : new AlpineLocker.Transport.BaseDatabase(installed, world);
  }
}
