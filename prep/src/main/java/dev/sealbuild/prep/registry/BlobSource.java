package dev.sealbuild.prep.registry;

import java.io.IOException;
import java.io.InputStream;

/** Where a blob's bytes come from when it is uploaded; opened again for every attempt. */
@FunctionalInterface
public interface BlobSource {
  InputStream open() throws IOException;
}
