package dev.sealbuild.builder.inspect;

/** An image that cannot be read as the transport it claims to be; the message is one line naming it. */
public class ImageReadException extends dev.sealbuild.formats.HostileInputException {
  public ImageReadException(String message) {
    super(message);
  }
}
