package dev.sealbuild.prep.push;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** An OCI image layout directory ({@code oci:DIR}). */
final class DirectoryStore implements LayoutStore {
  private final Path root;

  DirectoryStore(Path root) {
    this.root = root;
  }

  @Override
  public OptionalLong size(String name) throws IOException {
    Path file = root.resolve(name);
    return Files.isRegularFile(file) ? OptionalLong.of(Files.size(file)) : OptionalLong.empty();
  }

  @Override
  public InputStream open(String name) throws IOException {
    return Files.newInputStream(root.resolve(name));
  }

  @Override
  public String label() {
    return "oci:" + root;
  }

  @Override
  public void close() {
    // Nothing held open.
  }
}
