package dev.sealbuild.formats.dockerfile;

import dev.sealbuild.formats.UserError;

/** A Dockerfile (or one of its words) that BuildKit would refuse; the message is "FILE:LINE: reason". */
public class DockerfileException extends UserError {
  private final String file;
  private final int line;
  private final String reason;

  public DockerfileException(String file, int line, String reason) {
    super(file + ":" + line + ": " + reason);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  /** The message without the location. */
  public String reason() {
    return reason;
  }
}
