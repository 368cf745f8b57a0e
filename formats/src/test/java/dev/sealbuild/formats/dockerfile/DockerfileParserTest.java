package dev.sealbuild.formats.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sealbuild.formats.UserError;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The Dockerfile syntax, rule by rule, with what BuildKit's dockerfile frontend does for each. */
class DockerfileParserTest {
  private static Dockerfile parse(String text) {
    return DockerfileParser.parse(text, "Dockerfile");
  }

  /** The second instruction of "FROM base\n" + body (the first one is the FROM). */
  private static Instruction second(String body) {
    return parse("FROM base\n" + body).instructions().get(1);
  }

  // ---- continuations and comments ------------------------------------------------------------------------------

  static Stream<Arguments> continuations() {
    return Stream.of(
        // the escape character is removed, the newline with it; the next line is joined as it is
        Arguments.of("RUN echo a \\\n  b\n", "echo a   b", 3),
        // blanks after the escape character still continue the line (BuildKit: `\\[ \t]*$`)
        Arguments.of("RUN echo a \\  \t\n b\n", "echo a  b", 3),
        Arguments.of("RUN a\\\nb\n", "ab", 3),
        // a comment line inside a continued instruction is dropped, indented or not
        Arguments.of("RUN a \\\n# note\n  b\n", "a   b", 4),
        Arguments.of("RUN a \\\n    # note \\\n  b\n", "a   b", 4),
        // empty continuation lines are skipped (BuildKit warns, and goes on)
        Arguments.of("RUN a \\\n\n   \n b\n", "a  b", 5),
        // '#' in the middle of a line is not a comment
        Arguments.of("RUN echo a # b\n", "echo a # b", 2),
        // CRLF line endings
        Arguments.of("RUN a \\\r\n b\r\n", "a  b", 3),
        // the escape character alone on a line continues too
        Arguments.of("RUN a \\\n\\\n b\n", "a  b", 4),
        // a continuation at the end of the file just ends the instruction
        Arguments.of("RUN a \\", "a", 2));
  }

  @ParameterizedTest
  @MethodSource("continuations")
  void continuationLinesAreJoinedAsBuildKitJoinsThem(String body, String text, int endLine) {
    Instruction run = second(body);
    assertEquals("RUN", run.keyword());
    assertEquals(text, run.args().text());
    assertEquals(2, run.line());
    assertEquals(endLine, run.endLine());
  }

  @Test
  void anEscapedEscapeCharacterAtTheEndDoesNotContinueTheLine() {
    // BuildKit's continuation regex needs a character other than the escape before it
    Dockerfile d = parse("FROM base\nRUN echo a\\\\\nRUN b\n");
    assertEquals(3, d.instructions().size());
    assertEquals("echo a\\\\", d.instructions().get(1).args().text());
  }

  @Test
  void commentsAndBlankLinesBetweenInstructionsAreSkippedAndLinesCounted() {
    Dockerfile d = parse("# c\n\nFROM base\n  # indented comment\n\n\trun   a\n");
    assertEquals(2, d.instructions().size());
    assertEquals(3, d.instructions().get(0).line());
    Instruction run = d.instructions().get(1);
    assertEquals("RUN", run.keyword());
    assertEquals(6, run.line());
  }

  @Test
  void keywordsAreCaseInsensitive() {
    Dockerfile d = parse("from base AS Build\nCopy a b\nrUn x\n");
    assertEquals(List.of("FROM", "COPY", "RUN"), d.instructions().stream().map(Instruction::keyword).toList());
  }

  @Test
  void aByteOrderMarkIsIgnored() {
    Dockerfile d = parse("\uFEFF# escape=`\nFROM base\n");
    assertEquals("`", d.directives().get("escape"));
  }

  // ---- parser directives ---------------------------------------------------------------------------------------

  @Test
  void directivesAtTheTopAreReadWithLowerCaseKeys() {
    Dockerfile d = parse("# syntax=docker/dockerfile:1.7\n#ESCAPE = `\n# check=skip=all\nFROM base\n");
    assertEquals(Map.of("syntax", "docker/dockerfile:1.7", "escape", "`", "check", "skip=all"), d.directives());
    assertEquals('`', d.escape());
  }

  static Stream<Arguments> notDirectives() {
    return Stream.of(
        Arguments.of("\n# escape=`\nFROM base\n"), // a blank line ends the directives
        Arguments.of("# a comment\n# escape=`\nFROM base\n"), // so does a comment
        Arguments.of("# unknown=x\n# escape=`\nFROM base\n"), // an unknown directive is a comment, and ends them
        Arguments.of("FROM base\n# escape=`\n")); // after an instruction it is a comment
  }

  @ParameterizedTest
  @MethodSource("notDirectives")
  void aDirectiveAfterAnythingElseIsAComment(String text) {
    Dockerfile d = parse(text);
    assertEquals(Map.of(), d.directives());
    assertEquals('\\', d.escape());
  }

  @Test
  void theBacktickEscapeMakesBackslashOrdinaryAsOnWindows() {
    // the Dockerfile reference's Windows example: without `# escape=`` the trailing backslashes would continue
    Dockerfile d = parse("# escape=`\n\nFROM microsoft/nanoserver\nCOPY testfile.txt c:\\\nRUN dir c:\\\n"
        + "RUN echo a `\n  b\n");
    List<Instruction> in = d.instructions();
    assertEquals(4, in.size());
    assertEquals("testfile.txt c:\\", in.get(1).args().text());
    assertEquals("dir c:\\", in.get(2).args().text());
    assertEquals("echo a   b", in.get(3).args().text());
    assertEquals(7, in.get(3).endLine());
  }

  @Test
  void aRepeatedOrInvalidDirectiveIsAnErrorOnItsLine() {
    DockerfileException e = assertThrows(DockerfileException.class,
        () -> parse("# escape=`\n# escape=\\\nFROM base\n"));
    assertEquals("Dockerfile:2: only one escape parser directive can be used", e.getMessage());
    assertEquals(2, e.line());
    e = assertThrows(DockerfileException.class, () -> parse("# escape=x\nFROM base\n"));
    assertEquals("Dockerfile:1: invalid escape token 'x' does not match ` or \\", e.getMessage());
  }

  // ---- exec (JSON) and shell forms -----------------------------------------------------------------------------

  static Stream<Arguments> forms() {
    return Stream.of(
        Arguments.of("CMD [\"a\", \"b\"]", List.of("a", "b")),
        Arguments.of("CMD   [ \"a b\" ,\"\\u0041\\n\" ]  ", List.of("a b", "A\n")),
        Arguments.of("ENTRYPOINT []", List.of()),
        Arguments.of("RUN [\"sh\", \"-c\", \"echo\"]", List.of("sh", "-c", "echo")),
        Arguments.of("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]", List.of("/bin/bash", "-o", "pipefail",
            "-c")),
        Arguments.of("COPY [\"a b\", \"/c d/\"]", List.of("a b", "/c d/")),
        Arguments.of("VOLUME [\"/data\"]", List.of("/data")),
        // not JSON, so the shell form: single quotes, a missing bracket, text after the array (BuildKit #5107)
        Arguments.of("CMD [\"a\", 'b']", null),
        Arguments.of("CMD [\"a\"", null),
        Arguments.of("RUN [\"ls\"] extra", null),
        Arguments.of("CMD echo [\"a\"]", null),
        Arguments.of("VOLUME /a /b", null));
  }

  @ParameterizedTest
  @MethodSource("forms")
  void theExecFormIsOnlyAWholeJsonArrayOfStrings(String line, List<String> json) {
    Instruction i = second(line);
    assertEquals(json, i.args().json());
    assertEquals(json != null, i.args().isExec());
    assertEquals(line.substring(line.indexOf(' ') + 1).strip(), i.args().text());
  }

  @Test
  void aJsonArrayHoldingAnythingButStringsIsAnError() {
    for (String line : List.of("CMD [\"a\", 1]", "CMD [\"echo\", [\"nested\"]]", "VOLUME [null]", "RUN [{}]")) {
      DockerfileException e = assertThrows(DockerfileException.class, () -> second(line), line);
      assertTrue(e.getMessage().startsWith("Dockerfile:2: "), e.getMessage());
      assertTrue(e.getMessage().contains("arrays must be comprised of strings only"), e.getMessage());
    }
  }

  // ---- flags ---------------------------------------------------------------------------------------------------

  @Test
  void flagsComeBeforeTheArgumentsInOrderWithRepeats() {
    Instruction copy = second("COPY --from=build --chown=1000:1000 --chmod=755 --link src/ /app/\n");
    assertEquals(List.of(new Flag("from", "build"), new Flag("chown", "1000:1000"), new Flag("chmod", "755"),
        new Flag("link", null)), copy.flags());
    assertEquals("src/ /app/", copy.args().text());
    assertEquals("build", copy.flag("from"));
    assertTrue(copy.hasFlag("link"));

    Instruction run = second("RUN --mount=type=cache,target=/root/.cache \\\n"
        + "    --mount=\"type=bind,source=a b,target=/b\" --network=none make\n");
    assertEquals(List.of("type=cache,target=/root/.cache", "type=bind,source=a b,target=/b"),
        run.flagValues("mount"));
    assertEquals("none", run.flag("network"));
    assertEquals("make", run.args().text());

    Instruction from = parse("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n").instructions().get(0);
    assertEquals(List.of(new Flag("platform", "$BUILDPLATFORM")), from.flags());
    assertEquals("golang:1.22 AS build", from.args().text());
  }

  @Test
  void aFlagAfterTheFirstArgumentIsAnArgumentAndDoubleDashEndsTheFlags() {
    Instruction copy = second("COPY a --chown=1 b\n");
    assertEquals(List.of(), copy.flags());
    assertEquals("a --chown=1 b", copy.args().text());
    Instruction odd = second("COPY --link -- --odd-name /x\n");
    assertEquals(List.of(new Flag("link", null)), odd.flags());
    assertEquals("--odd-name /x", odd.args().text());
    Instruction bool = second("ADD --link=false --keep-git-dir=TRUE --checksum=sha256:ab a b\n");
    assertEquals("false", bool.flag("link"));
  }

  static Stream<Arguments> badFlags() {
    return Stream.of(
        Arguments.of("RUN --foo=1 make", "unknown flag: --foo (RUN takes --device, --mount, --network, --security)"),
        Arguments.of("ENV --x=1 A=b", "unknown flag: --x (ENV takes no flags)"),
        Arguments.of("CMD --help", "unknown flag: --help (CMD takes no flags)"),
        Arguments.of("COPY --link=maybe a b", "expecting boolean value for flag --link, not: maybe"),
        Arguments.of("COPY --link= a b", "missing a value on flag: --link"),
        Arguments.of("COPY --from a b", "missing a value on flag: --from"),
        Arguments.of("COPY --from=a --from=b x y", "duplicate flag specified: --from"),
        Arguments.of("HEALTHCHECK --retries=x CMD true", "--retries: not a number: x"),
        Arguments.of("HEALTHCHECK --retries=-1 CMD true", "--retries cannot be negative (-1)"),
        Arguments.of("HEALTHCHECK --interval=5x CMD true", "time: unknown unit \"x\" in duration \"5x\""),
        Arguments.of("HEALTHCHECK --interval=5 CMD true", "time: missing unit in duration \"5\""),
        Arguments.of("HEALTHCHECK --timeout=0.5ms CMD true", "Interval \"timeout\" cannot be less than 1ms"));
  }

  @ParameterizedTest
  @MethodSource("badFlags")
  void badFlagsAreRefusedWithTheLine(String line, String reason) {
    DockerfileException e = assertThrows(DockerfileException.class, () -> second(line));
    assertEquals("Dockerfile:2: " + reason, e.getMessage());
    assertEquals(reason, e.reason());
  }

  // ---- heredocs ------------------------------------------------------------------------------------------------

  @Test
  void runTakesAHeredocAndItsBodyIsNotParsedAsInstructions() {
    Dockerfile d = parse("FROM base\nRUN <<EOF\nset -e\nRUN not an instruction\nEOF\nUSER app\n");
    Instruction run = d.instructions().get(1);
    assertEquals("<<EOF", run.args().text());
    assertEquals(List.of(new Heredoc("EOF", "set -e\nRUN not an instruction\n", true, false)), run.heredocs());
    assertEquals(2, run.line());
    assertEquals(5, run.endLine());
    assertEquals("USER", d.instructions().get(2).keyword());
    assertEquals(6, d.instructions().get(2).line());
  }

  static Stream<Arguments> heredocs() {
    return Stream.of(
        // the interpreter after the delimiter
        Arguments.of("RUN <<EOF bash\necho $X\nEOF\n", "<<EOF bash", List.of(new Heredoc("EOF", "echo $X\n", true,
            false))),
        Arguments.of("COPY <<EOF /app/x\nhello\nEOF\n", "<<EOF /app/x", List.of(new Heredoc("EOF", "hello\n", true,
            false))),
        Arguments.of("RUN <<A <<B\na\nA\nb\nB\n", "<<A <<B", List.of(new Heredoc("A", "a\n", true, false),
            new Heredoc("B", "b\n", true, false))),
        Arguments.of("RUN cat <<EOF > /etc/x\nk=v\nEOF\n", "cat <<EOF > /etc/x",
            List.of(new Heredoc("EOF", "k=v\n", true, false))),
        // a quoted delimiter (or any quoted part) turns expansion off
        Arguments.of("RUN <<'EOF'\n$X\nEOF\n", "<<'EOF'", List.of(new Heredoc("EOF", "$X\n", false, false))),
        Arguments.of("RUN <<\"EOF\"\n$X\nEOF\n", "<<\"EOF\"", List.of(new Heredoc("EOF", "$X\n", false, false))),
        Arguments.of("RUN <<E\"O\"F\n$X\nEOF\n", "<<E\"O\"F", List.of(new Heredoc("EOF", "$X\n", false, false))),
        // <<- strips leading tabs from the body and from the terminator line
        Arguments.of("RUN <<-EOF\n\t\tindented\n\tkept  spaces\n\tEOF\n", "<<-EOF",
            List.of(new Heredoc("EOF", "indented\nkept  spaces\n", true, true))),
        // an empty body; CRLF line endings are kept in the body
        Arguments.of("RUN <<EOF\nEOF\n", "<<EOF", List.of(new Heredoc("EOF", "", true, false))),
        Arguments.of("RUN <<EOF\r\na\r\nEOF\r\n", "<<EOF", List.of(new Heredoc("EOF", "a\r\n", true, false))),
        // the heredoc word on a continued line
        Arguments.of("RUN python3 \\\n  <<EOF\nprint(1)\nEOF\n", "python3   <<EOF",
            List.of(new Heredoc("EOF", "print(1)\n", true, false))),
        // not heredocs: quoted, glued to a word, JSON form, no name
        Arguments.of("RUN echo \"<<EOF\"\n", "echo \"<<EOF\"", List.of()),
        Arguments.of("RUN a<<EOF\n", "a<<EOF", List.of()),
        Arguments.of("RUN [\"cat\", \"<<EOF\"]\n", "[\"cat\", \"<<EOF\"]", List.of()),
        Arguments.of("RUN echo << x\n", "echo << x", List.of()));
  }

  @ParameterizedTest
  @MethodSource("heredocs")
  void heredocsAreReadAsBuildKitReadsThem(String body, String text, List<Heredoc> expected) {
    Instruction i = second(body);
    assertEquals(text, i.args().text());
    assertEquals(expected, i.heredocs());
  }

  @Test
  void heredocsOnlyBelongToRunCopyAndAdd() {
    Dockerfile d = parse("FROM base\nCMD <<EOF\nUSER x\n");
    assertEquals(3, d.instructions().size());
    assertEquals(List.of(), d.instructions().get(1).heredocs());
  }

  @Test
  void anUnterminatedHeredocIsAnErrorOnItsInstruction() {
    DockerfileException e = assertThrows(DockerfileException.class,
        () -> parse("FROM base\nRUN <<EOF\necho\nEOFX\n"));
    assertEquals("Dockerfile:2: unterminated heredoc EOF: no line 'EOF' ends it", e.getMessage());
  }

  @Test
  void flagsOfArgAndStopsignalAreAcceptedAsBuildKitNeverChecksThem() {
    Dockerfile d = parse("ARG --x=1 V\nFROM a\nSTOPSIGNAL --y SIGTERM\nHEALTHCHECK --z NONE\n");
    assertEquals(List.of(new Flag("x", "1")), d.instructions().get(0).flags());
    assertEquals("SIGTERM", d.instructions().get(2).args().text());
  }

  @Test
  void aHeredocCannotBeTheDestination() {
    DockerfileException e = assertThrows(DockerfileException.class,
        () -> parse("FROM base\nCOPY a <<EOF\nx\nEOF\n"));
    assertEquals("Dockerfile:2: COPY cannot accept a heredoc as a destination", e.getMessage());
    e = assertThrows(DockerfileException.class, () -> parse("FROM base\nADD [\"a\", \"<<EOF\"]\n"));
    assertEquals("Dockerfile:2: ADD cannot accept a heredoc as a destination", e.getMessage());
  }

  // ---- ONBUILD, MAINTAINER -------------------------------------------------------------------------------------

  @Test
  void onbuildCarriesItsParsedTrigger() {
    Dockerfile d = parse("FROM base\nONBUILD RUN --mount=type=cache,target=/c make\n"
        + "onbuild COPY <<EOF /x\nbody\nEOF\nMAINTAINER Jane <jane@example.org>\n");
    Instruction ob = d.instructions().get(1);
    assertEquals("ONBUILD", ob.keyword());
    assertEquals("RUN --mount=type=cache,target=/c make", ob.args().text());
    assertEquals(List.of(), ob.flags());
    Instruction trigger = ob.onbuild();
    assertEquals("RUN", trigger.keyword());
    assertEquals(List.of("type=cache,target=/c"), trigger.flagValues("mount"));
    assertEquals("make", trigger.args().text());
    assertNull(trigger.onbuild());

    Instruction withHeredoc = d.instructions().get(2);
    assertEquals(List.of(new Heredoc("EOF", "body\n", true, false)), withHeredoc.heredocs());
    assertEquals(List.of(new Heredoc("EOF", "body\n", true, false)), withHeredoc.onbuild().heredocs());
    assertEquals(5, withHeredoc.endLine());

    Instruction maintainer = d.instructions().get(3);
    assertEquals("MAINTAINER", maintainer.keyword());
    assertEquals("Jane <jane@example.org>", maintainer.args().text());
    assertNull(maintainer.onbuild());
  }

  @Test
  void anOnbuildTriggerIsCheckedNowThoughBuildKitOnlyChecksItInTheChildBuild() {
    // deliberate: BuildKit accepts "ONBUILD PUSH x" and fails later, in whatever image builds FROM this one
    DockerfileException e = assertThrows(DockerfileException.class, () -> parse("FROM a\nONBUILD COPY x\n"));
    assertEquals("Dockerfile:2: COPY requires at least two arguments, but only one was provided. Destination could "
        + "not be determined", e.getMessage());
    e = assertThrows(DockerfileException.class, () -> parse("FROM a\nONBUILD PUSH x\n"));
    assertEquals("Dockerfile:2: unknown instruction: PUSH", e.getMessage());
  }

  // ---- errors with line numbers --------------------------------------------------------------------------------

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("", 1, "file with no instructions"),
        Arguments.of("# only a comment\n\n", 2, "file with no instructions"),
        Arguments.of("RUN make\n", 1, "RUN before the first FROM: no build stage in current context"),
        Arguments.of("ARG V=1\n", 1, "dockerfile contains no stages to build (no FROM instruction)"),
        Arguments.of("FROM\n", 1, "FROM requires either one or three arguments (FROM image [AS name])"),
        Arguments.of("FROM a b\n", 1, "FROM requires either one or three arguments (FROM image [AS name])"),
        Arguments.of("FROM a AS 1st\n", 1,
            "invalid name for build stage: \"1st\", name can't start with a number or contain symbols"),
        Arguments.of("FROM a\n\nRUNN make\n", 3, "unknown instruction: RUNN (did you mean RUN?)"),
        Arguments.of("FROM a\nPUSH x\n", 2, "unknown instruction: PUSH"),
        Arguments.of("FROM a\nBUILD x\n", 2, "unknown instruction: BUILD (did you mean ONBUILD?)"),
        Arguments.of("FROM a\nCOPY \\\n  a\n", 2,
            "COPY requires at least two arguments, but only one was provided. Destination could not be determined"),
        Arguments.of("FROM a\nADD\n", 2,
            "ADD requires at least two arguments, but only none was provided. Destination could not be determined"),
        Arguments.of("FROM a\nENV A\n", 2, "ENV must have two arguments (ENV KEY=VALUE, or the legacy ENV KEY VALUE)"),
        Arguments.of("FROM a\nENV a=1 b\n", 2,
            "Syntax error - can't find = in \"b\". Must be of the form: name=value"),
        Arguments.of("FROM a\nLABEL\n", 2, "LABEL requires at least one argument"),
        Arguments.of("FROM a\nARG\n", 2, "ARG requires at least one argument"),
        Arguments.of("FROM a\nARG =x\n", 2, "ARG names can not be blank"),
        Arguments.of("FROM a\nUSER\n", 2, "USER requires exactly one argument"),
        Arguments.of("FROM a\nWORKDIR\n", 2, "WORKDIR requires exactly one argument"),
        Arguments.of("FROM a\nEXPOSE\n", 2, "EXPOSE requires at least one argument"),
        Arguments.of("FROM a\nVOLUME [\"\"]\n", 2, "VOLUME specified can not be an empty string"),
        Arguments.of("FROM a\nSHELL /bin/sh -c\n", 2,
            "SHELL requires the arguments to be in JSON form, e.g. SHELL [\"/bin/sh\", \"-c\"]"),
        Arguments.of("FROM a\nSHELL []\n", 2, "SHELL requires at least one argument"),
        Arguments.of("FROM a\nMAINTAINER\n", 2, "MAINTAINER requires exactly one argument"),
        Arguments.of("FROM a\nHEALTHCHECK\n", 2, "HEALTHCHECK requires at least one argument"),
        Arguments.of("FROM a\nHEALTHCHECK CMD\n", 2, "missing command after HEALTHCHECK CMD"),
        Arguments.of("FROM a\nHEALTHCHECK NONE x\n", 2, "HEALTHCHECK NONE takes no arguments"),
        Arguments.of("FROM a\nHEALTHCHECK RUN x\n", 2, "unknown type \"RUN\" in HEALTHCHECK (try CMD)"),
        Arguments.of("FROM a\nONBUILD\n", 2, "ONBUILD requires at least one argument"),
        Arguments.of("FROM a\nONBUILD ONBUILD RUN x\n", 2, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
        Arguments.of("FROM a\nONBUILD from x\n", 2, "FROM isn't allowed as an ONBUILD trigger"),
        Arguments.of("FROM a\nONBUILD MAINTAINER x\n", 2, "MAINTAINER isn't allowed as an ONBUILD trigger"));
  }

  @ParameterizedTest
  @MethodSource("errors")
  void refusedInputIsOneLineNamingFileAndLine(String text, int line, String reason) {
    DockerfileException e = assertThrows(DockerfileException.class, () -> parse(text));
    assertEquals("Dockerfile:" + line + ": " + reason, e.getMessage());
    assertEquals(line, e.line());
    assertTrue(e instanceof UserError);
  }

  @Test
  void whatBuildKitAcceptsWithoutArgumentsIsAccepted() {
    // CMD, ENTRYPOINT and RUN take no minimum (BuildKit's parseCmd/parseEntrypoint/parseRun check none)
    Dockerfile d = parse("FROM a\nCMD\nENTRYPOINT\nRUN\nHEALTHCHECK NONE\nFROM a AS Second\n");
    assertEquals(6, d.instructions().size());
    assertEquals("", d.instructions().get(1).args().text());
  }

  @Test
  void fileAndLineLengthAreBounded() {
    String big = "FROM a\n" + "#".repeat(DockerfileParser.MAX_CHARS) + "\n";
    DockerfileException e = assertThrows(DockerfileException.class, () -> parse(big));
    assertEquals("Dockerfile:0: the file is larger than 1024 KiB; a Dockerfile that large is refused",
        e.getMessage());
    String longLine = "FROM a\nRUN " + "x".repeat(DockerfileParser.MAX_LINE_CHARS) + "\n";
    e = assertThrows(DockerfileException.class, () -> parse(longLine));
    assertEquals("Dockerfile:2: line longer than 65535 characters", e.getMessage());
  }

  @Test
  void randomInputOnlyEverFailsWithADockerfileException() {
    String[] pieces = {"FROM a", "RUN", "COPY", "ONBUILD", "HEALTHCHECK", "ENV", "ARG", "# escape=`", "\\", "`", "\n",
        "\r\n", " ", "\t", "<<EOF", "<<-'E'", "EOF", "[\"a\"", "]", "\"", "'", "$", "${", "}", ":-", "--mount=",
        "--", "=", "#", "AS", "x", "\uFEFF", "\u2028", "{", "[", "1", "NONE", "CMD"};
    Random random = new Random(13);
    for (int n = 0; n < 2_000; n++) {
      StringBuilder text = new StringBuilder();
      int len = random.nextInt(30);
      for (int k = 0; k < len; k++) {
        text.append(pieces[random.nextInt(pieces.length)]);
      }
      try {
        parse(text.toString());
      } catch (DockerfileException e) {
        assertFalse(e.getMessage().contains("\n"), () -> "multi-line message for " + text);
        assertFalse(e.getMessage().contains("cannot parse this Dockerfile"), () -> "internal failure for " + text);
      } catch (RuntimeException | Error e) {
        fail("input " + text + " threw " + e);
      }
    }
  }

  // ---- a realistic Dockerfile, end to end ----------------------------------------------------------------------

  @Test
  void aRealisticMultiStageDockerfile() {
    String text = """
        # syntax=docker/dockerfile:1

        ARG GO_VERSION=1.22
        FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
        WORKDIR /src
        COPY go.mod go.sum ./
        RUN --mount=type=cache,target=/go/pkg/mod \\
            go mod download
        COPY . .
        RUN <<EOF
        set -e
        CGO_ENABLED=0 go build -o /out/app ./cmd/app
        EOF

        FROM debian:bookworm-slim
        RUN apt-get update \\
         && apt-get install -y --no-install-recommends ca-certificates \\
        # tidy up
         && rm -rf /var/lib/apt/lists/*
        ENV APP_HOME=/app PATH="/app/bin:$PATH"
        LABEL org.opencontainers.image.title="app" maintainer="ops@example.org"
        COPY --from=build --chmod=0755 /out/app /app/bin/app
        EXPOSE 8080/tcp
        USER 65532:65532
        HEALTHCHECK --interval=30s --timeout=3s CMD ["/app/bin/app", "health"]
        ENTRYPOINT ["/app/bin/app"]
        CMD ["serve"]
        """;
    Dockerfile d = parse(text);
    assertEquals(Map.of("syntax", "docker/dockerfile:1"), d.directives());
    List<String> keywords = d.instructions().stream().map(Instruction::keyword).toList();
    assertEquals(List.of("ARG", "FROM", "WORKDIR", "COPY", "RUN", "COPY", "RUN", "FROM", "RUN", "ENV", "LABEL", "COPY",
        "EXPOSE", "USER", "HEALTHCHECK", "ENTRYPOINT", "CMD"), keywords);
    Instruction from = d.instructions().get(1);
    assertEquals(4, from.line());
    assertEquals(List.of("golang:${GO_VERSION}-bookworm", "AS", "build"), DockerfileWords.rawWords(from.args().text()));
    Instruction download = d.instructions().get(4);
    assertEquals(7, download.line());
    assertEquals(8, download.endLine());
    assertEquals("go mod download", download.args().text());
    Instruction build = d.instructions().get(6);
    assertEquals(10, build.line());
    assertEquals(13, build.endLine());
    assertEquals("set -e\nCGO_ENABLED=0 go build -o /out/app ./cmd/app\n", build.heredocs().get(0).content());
    Instruction apt = d.instructions().get(8);
    assertEquals(16, apt.line());
    assertEquals(19, apt.endLine());
    assertEquals("apt-get update  && apt-get install -y --no-install-recommends ca-certificates  "
        + "&& rm -rf /var/lib/apt/lists/*", apt.args().text());
    Instruction health = d.instructions().get(14);
    assertEquals("30s", health.flag("interval"));
    assertEquals(List.of("/app/bin/app", "health"), health.args().json());
    assertEquals(List.of("/app/bin/app"), d.instructions().get(15).args().json());
  }
}
