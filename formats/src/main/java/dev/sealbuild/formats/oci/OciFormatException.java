package dev.sealbuild.formats.oci;

import dev.sealbuild.formats.UserError;

/** An OCI document (manifest, index, config, descriptor, platform, {@code index.json}) that sealbuild refuses. */
public class OciFormatException extends UserError {
  public OciFormatException(String message) {
    super(message);
  }

  public OciFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
