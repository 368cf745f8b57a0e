package dev.sealbuild.builder.source;

import dev.sealbuild.builder.fs.ImageTree;
import java.io.IOException;

/** One declared input that adds entries to the image tree. */
public interface LayerSource {
  /** Short description, used in history entries and messages (e.g. {@code files[0] https://...}). */
  String describe();

  void addTo(ImageTree tree) throws IOException;

  /**
   * Everything besides the tree before it that determines what {@link #addTo} adds, as canonical-JSON-able data
   * (maps, lists, strings, numbers, records of those): the layer cache's key is built from it. Reads no input except
   * local files, which are hashed (their content, never their mtime). Must change whenever the entries could.
   */
  Object fingerprint() throws IOException;
}
