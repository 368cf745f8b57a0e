package dev.sealbuild.builder.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sealbuild.builder.cache.CacheException;
import dev.sealbuild.formats.HostileInputException;
import java.io.IOException;
import org.junit.jupiter.api.function.Executable;

/** What every refusal of bad input must look like to a user: one line, naming what went wrong. */
public final class Refusals {
  private Refusals() {}

  /**
   * Runs what must be refused and returns the message, checked to be one line with no control characters,
   * naming each given part. Refusals are HostileInputException, CacheException, or IOException for a
   * cut-off stream.
   */
  public static String refused(Executable action, String... mustContain) {
    Throwable thrown = null;
    try {
      action.execute();
    } catch (Throwable t) {
      thrown = t;
    }
    if (thrown == null) {
      fail("accepted, but must be refused");
    }
    if (!(thrown instanceof HostileInputException || thrown instanceof CacheException || thrown instanceof IOException)) {
      throw new AssertionError("refused with an unexpected exception type", thrown);
    }
    String message = thrown.getMessage();
    assertTrue(message != null && !message.isBlank(), "refusal without a message: " + thrown);
    assertFalse(message.contains("\n") || message.contains("\r"), "message must be one line: " + message);
    assertTrue(message.chars().allMatch(c -> c >= 0x20 && c != 0x7f), "message must hold no control characters: " + message);
    for (String part : mustContain) {
      assertTrue(message.contains(part), "message lacks '" + part + "': " + message);
    }
    return message;
  }
}
