package dev.sealbuild.builder.output;

import dev.sealbuild.builder.image.BuiltImage;
import java.io.IOException;
import java.util.Map;

/** Writes a built image in one transport's format. Implementations never leave a half-written output. */
public interface ImageWriter {
  void write(BuiltImage image, OutputTarget target, Map<String, String> layoutAnnotations) throws IOException;
}
