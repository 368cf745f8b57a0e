package dev.sealbuild.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/** Entry point of the {@code build} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv()));
  }

  static int run(String[] args, Map<String, String> environment) {
    Environment env = new Environment(environment, java.nio.file.Path.of("").toAbsolutePath());
    CommandLine cli = new CommandLine(new BuildCommand(), new CommandFactory(env));
    cli.setExecutionExceptionHandler(new OneLineErrors(environment.containsKey("SEALBUILD_DEBUG")));
    cli.setParameterExceptionHandler((ex, a) -> {
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("error: " + ex.getMessage());
      err.println("try: build " + ex.getCommandLine().getCommandName() + " --help");
      err.flush();
      return 2;
    });
    return cli.execute(args);
  }

  /** Bad input is a one-line error and exit 1; a stack trace only with SEALBUILD_DEBUG set. */
  private record OneLineErrors(boolean debug) implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
      PrintWriter err = cmd.getErr();
      if (debug) {
        ex.printStackTrace(err);
      }
      String message = ex.getMessage();
      boolean expected = ex instanceof RuntimeException && !(ex instanceof NullPointerException)
          && !(ex instanceof IllegalStateException) && !(ex instanceof ClassCastException)
          && !(ex instanceof IndexOutOfBoundsException);
      if (ex instanceof java.nio.file.NoSuchFileException) {
        message = "no such file: " + message;
      } else if (ex instanceof java.nio.file.AccessDeniedException) {
        message = "permission denied: " + message;
      } else if (ex instanceof java.io.IOException && message != null && message.contains("No space left on device")) {
        message = "disk full: " + message;
      } else if (!expected && !(ex instanceof java.io.IOException)) {
        message = "internal error (" + ex.getClass().getSimpleName() + ": " + message + "); rerun with SEALBUILD_DEBUG=1 and report it";
      }
      err.println("error: " + oneLine(message));
      err.flush();
      return 1;
    }

    private static String oneLine(String s) {
      if (s == null) {
        return "unknown failure";
      }
      return s.replace('\n', ' ').replace('\r', ' ');
    }
  }
}
