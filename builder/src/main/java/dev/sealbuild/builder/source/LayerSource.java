package dev.sealbuild.builder.source;

import dev.sealbuild.builder.fs.ImageTree;
import java.io.IOException;

/** One declared input that adds entries to the image tree. */
public interface LayerSource {
  /** Short description, used in history entries and messages (e.g. {@code files[0] https://...}). */
  String describe();

  void addTo(ImageTree tree) throws IOException;
}
