package dev.sealbuild.cli;

import dev.sealbuild.formats.UserError;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/** Entry point of the {@code build} command. */
public final class Main {
  /** A bug in sealbuild rather than a problem with its input (EX_SOFTWARE of sysexits.h). */
  static final int EXIT_INTERNAL_ERROR = 70;
  static final int EXIT_USAGE = 2;
  static final String DEBUG_VARIABLE = "SEALBUILD_DEBUG";

  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    System.exit(run(args, new Environment(System.getenv(), Path.of("").toAbsolutePath()), out, err));
  }

  /** Runs one command line in this process: what {@code main} does, minus the exit; for tests. */
  static int run(String[] args, Environment env, PrintWriter out, PrintWriter err) {
    return run(new BuildCommand(), args, env, out, err);
  }

  /** Runs {@code command} (the {@code build} command, or another in tests) with sealbuild's error handling. */
  static int run(Object command, String[] args, Environment env, PrintWriter out, PrintWriter err) {
    CommandFactory factory = new CommandFactory(env);
    CommandLine cli = new CommandLine(command, factory);
    if (command instanceof BuildCommand) {
      addSubcommands(cli, args);
    }
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(new OneLineErrors(env.get(DEBUG_VARIABLE) != null));
    cli.setParameterExceptionHandler((ex, a) -> {
      PrintWriter w = ex.getCommandLine().getErr();
      w.println("error: " + ex.getMessage());
      w.println("try: build " + ex.getCommandLine().getCommandName() + " --help");
      w.flush();
      return EXIT_USAGE;
    });
    int exit = cli.execute(args);
    out.flush();
    err.flush();
    return exit;
  }

  /**
   * Adds {@code build}'s subcommands. picocli inspects every option of every command it is given, which costs more
   * start-up time than most commands' own work; when the first argument names a subcommand, only that one is added
   * (help, a typo's suggestions and anything else see them all).
   */
  private static void addSubcommands(CommandLine cli, String[] args) {
    String first = args.length == 0 ? "" : args[0];
    boolean known = BuildCommand.SUBCOMMANDS.stream().anyMatch(c -> names(c).contains(first));
    for (Class<?> subcommand : BuildCommand.SUBCOMMANDS) {
      if (!known || names(subcommand).contains(first)) {
        cli.addSubcommand(subcommand);
      }
    }
  }

  private static java.util.List<String> names(Class<?> subcommand) {
    CommandLine.Command annotation = subcommand.getAnnotation(CommandLine.Command.class);
    java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(annotation.aliases()));
    names.add(annotation.name());
    return names;
  }

  /**
   * Every failure is one line on stderr. A {@link UserError} names the culprit and what to do, and exits with its
   * code; an I/O error from the host (no such file, permission denied, disk full) is the user's to fix too and exits
   * 1; anything else is a bug in sealbuild: it says so, exits {@value #EXIT_INTERNAL_ERROR}, and with
   * {@code SEALBUILD_DEBUG} set the stack trace follows.
   */
  private record OneLineErrors(boolean debug) implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
      PrintWriter err = cmd.getErr();
      Throwable failure = ex instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : ex;
      int exit;
      String line;
      if (failure instanceof UserError user) {
        exit = user.exitCode();
        line = "error: " + oneLine(user.getMessage()) + (user.hint() == null ? "" : "; " + oneLine(user.hint()));
      } else if (failure instanceof IOException io) {
        exit = UserError.EXIT_USER_ERROR;
        line = "error: " + hostProblem(io);
      } else {
        exit = EXIT_INTERNAL_ERROR;
        line = "internal error (a bug in sealbuild, please report it): " + failure.getClass().getName() + ": "
            + oneLine(failure.getMessage()) + (debug ? "" : "; rerun with " + DEBUG_VARIABLE + "=1 for the stack trace");
      }
      err.println(line);
      if (debug) {
        ex.printStackTrace(err);
      }
      err.flush();
      return exit;
    }

    private static String hostProblem(IOException e) {
      String message = oneLine(e.getMessage());
      if (e instanceof NoSuchFileException) {
        return "no such file: " + message;
      }
      if (e instanceof AccessDeniedException) {
        return "permission denied: " + message;
      }
      if (message.contains("No space left on device")) {
        return "disk full: " + message;
      }
      return message;
    }

    private static String oneLine(String s) {
      if (s == null) {
        return "unknown failure";
      }
      return s.replace('\n', ' ').replace('\r', ' ');
    }
  }
}
