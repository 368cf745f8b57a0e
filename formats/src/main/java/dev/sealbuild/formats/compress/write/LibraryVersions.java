package dev.sealbuild.formats.compress.write;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The versions of the compression libraries, as the build recorded them (a shaded jar has no per-library manifest). */
final class LibraryVersions {
  private LibraryVersions() {}

  static String of(String library) {
    Properties versions = new Properties();
    try (InputStream in = LibraryVersions.class.getResourceAsStream("versions.properties")) {
      if (in == null) {
        throw new IllegalStateException("versions.properties is missing beside " + LibraryVersions.class.getName());
      }
      versions.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = versions.getProperty(library);
    if (version == null || version.isBlank() || version.startsWith("${")) {
      throw new IllegalStateException("versions.properties has no version for " + library);
    }
    return version;
  }
}
