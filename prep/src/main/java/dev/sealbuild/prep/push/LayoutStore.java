package dev.sealbuild.prep.push;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/** The files of an OCI image layout, by their name inside it ({@code index.json}, {@code blobs/sha256/<hex>}). */
interface LayoutStore extends Closeable {
  /** The size of regular file {@code name}, or empty when there is none. */
  OptionalLong size(String name) throws IOException;

  InputStream open(String name) throws IOException;

  /** How to name the layout in messages, e.g. {@code oci:/path/to/dir}. */
  String label();
}
