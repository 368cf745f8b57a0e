package dev.sealbuild.builder.apk;

import dev.sealbuild.builder.fs.Content;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Node;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Reads small files of the image being built (its databases and account files), bounded. */
final class ImageFiles {
  private ImageFiles() {}

  /** The file's text, or null when the image has no regular file there. */
  static String read(ImageTree tree, EntryPath path, int maxBytes) throws IOException {
    byte[] bytes = bytes(tree, path, maxBytes);
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  static byte[] bytes(ImageTree tree, EntryPath path, int maxBytes) throws IOException {
    EntryPath resolved;
    try {
      resolved = tree.resolveFully(path);
    } catch (HostileInputException e) {
      return null;
    }
    if (!(tree.lookup(resolved) instanceof Node.RegularFile file)) {
      return null;
    }
    Content content = file.content();
    if (content.size() > maxBytes) {
      throw new HostileInputException(path + " in the image is larger than " + maxBytes + " bytes; refusing to read it");
    }
    return content.readAll();
  }
}
