package dev.sealbuild.formats.apk;

import dev.sealbuild.formats.UserError;

/** An APKINDEX or installed-database text that breaks the record format; the message names the source and line. */
public class ApkFormatException extends UserError {
  public ApkFormatException(String message) {
    super(message);
  }
}
