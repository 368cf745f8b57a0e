package dev.sealbuild.testsupport.fuzz;

import dev.sealbuild.testsupport.RefusalText;
import java.util.List;

/**
 * The rule every fuzz target applies: a parser given arbitrary bytes either accepts them or refuses them with one of
 * the refusals it documents, whose message is plain words naming the input ({@link RefusalText}). Anything else (a
 * {@code NullPointerException}, an index out of bounds, a stack overflow, an undocumented exception type, a message
 * that speaks Java) propagates, and Jazzer reports it as a finding.
 */
public final class Refusals {
  /** The largest input a target reads; larger ones are skipped (libFuzzer's -max_len keeps to it too). */
  public static final int MAX_INPUT = 64 * 1024;

  /** One parse of the fuzzer's input. */
  @FunctionalInterface
  public interface Parse {
    void run() throws Exception;
  }

  private final String input;
  private final List<Class<?>> documented;

  private Refusals(String input, List<Class<?>> documented) {
    this.input = input;
    this.documented = documented;
  }

  /**
   * @param input what every refusal must name (the source label given to the parser), or null when the parser is
   *     given none
   * @param documented the refusal types the parser documents
   */
  public static Refusals of(String input, Class<?>... documented) {
    return new Refusals(input, List.of(documented));
  }

  /** Runs {@code parse}; returns when it accepts or refuses as documented, throws (a finding) otherwise. */
  public void check(Parse parse) throws Exception {
    try {
      parse.run();
    } catch (Throwable t) {
      if (!documented.stream().anyMatch(type -> type.isInstance(t))) {
        if (t instanceof Exception e) {
          throw e;
        }
        throw new AssertionError("not a documented refusal: " + t, t);
      }
      String problem = RefusalText.problem(t.getMessage(), input, true);
      if (problem != null) {
        throw new AssertionError(problem + ": " + t.getMessage(), t);
      }
    }
  }
}
