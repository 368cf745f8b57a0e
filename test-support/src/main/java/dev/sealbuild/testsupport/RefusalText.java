package dev.sealbuild.testsupport;

import java.util.regex.Pattern;

/**
 * What a refusal's message must look like to a user: one line of words naming the input, with a reason, and no Java
 * (no class names, no exception type names, no bare {@code null}). Shared by the bad-input sweeps and the fuzz targets.
 */
public final class RefusalText {
  /** A Java package-qualified name, an exception class name, or a bare null. */
  public static final Pattern JAVA_SPEAK =
      Pattern.compile("\\bjava\\.|[a-z]+\\.[a-z]+\\.[A-Z]\\w+|\\b\\w+(Exception|Error)\\b|\\bnull\\b");
  /**
   * Text the message quotes from the input ('...', "..." or `...`): the input may say anything, the message may not.
   * First to last quote, since the quoted text may hold quotes itself (a package named {@code '': :'x}).
   */
  private static final Pattern QUOTED = Pattern.compile("'.*'|\".*\"|`.*`");

  private RefusalText() {}

  /**
   * What is wrong with {@code message} as a refusal of {@code input} ({@code null} to skip that check), or null when
   * nothing is. With {@code quotesExempt}, text between quotes is the input's own and not held against the message.
   */
  public static String problem(String message, String input, boolean quotesExempt) {
    if (message == null || message.isBlank()) {
      return "refusal without a message";
    }
    if (message.contains("\n") || message.contains("\r")) {
      return "message must be one line";
    }
    if (input != null && !message.contains(input)) {
      return "message must name the input '" + input + "'";
    }
    String own = quotesExempt ? QUOTED.matcher(message).replaceAll("''") : message;
    if (JAVA_SPEAK.matcher(own).find()) {
      return "message speaks Java";
    }
    // With quotesExempt (a fuzzer's input), text the message echoes unquoted may hold ": :" or "()" itself; only an
    // ending colon still means an empty reason.
    if (own.endsWith(":") || !quotesExempt && (own.contains(": :") || own.contains("()"))) {
      return "empty reason";
    }
    return null;
  }

  /** Fails with {@code what} and the message when {@link #problem} finds something. */
  public static void assertPlainWords(String what, String message, String input, boolean quotesExempt) {
    String problem = problem(message, input, quotesExempt);
    if (problem != null) {
      throw new AssertionError(what + ": " + problem + ": " + message);
    }
  }
}
