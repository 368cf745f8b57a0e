package dev.sealbuild.builder.output;

import dev.sealbuild.builder.image.BuiltImage;
import java.io.IOException;
import java.util.Map;

/** Writes a built image in one transport's format. Implementations never leave a half-written output. */
public interface ImageWriter {
  /** Fails, writing nothing, when this image cannot be written to {@code target}; called for every output before any is written. */
  default void check(BuiltImage image, OutputTarget target) throws IOException {}

  void write(BuiltImage image, OutputTarget target, Map<String, String> layoutAnnotations) throws IOException;
}
