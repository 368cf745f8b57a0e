package dev.sealbuild.lockfiles.dockerfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.UserError;
import dev.sealbuild.formats.dockerfile.DockerIgnore;
import dev.sealbuild.formats.dockerfile.DockerfileParser;
import dev.sealbuild.lockfiles.dockerfile.ReportEntry.Outcome;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.CopyEntry;
import dev.sealbuild.lockfiles.spec.FileEntry;
import dev.sealbuild.lockfiles.spec.RunStep;
import dev.sealbuild.lockfiles.spec.StageSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerfileTranslatorTest {
  @TempDir Path context;

  private Translation translate(String dockerfile) {
    return translate(dockerfile, Map.of(), null, DockerIgnore.none());
  }

  private Translation translate(String dockerfile, Map<String, String> args, String target, DockerIgnore ignore) {
    return new DockerfileTranslator(new TranslationOptions("app", args, target, context, ignore))
        .translate(DockerfileParser.parse(dockerfile, "Dockerfile"));
  }

  private void touch(String... paths) throws IOException {
    for (String p : paths) {
      Path file = context.resolve(p);
      Files.createDirectories(file.getParent());
      Files.writeString(file, p);
    }
  }

  @Test
  void scratchImageWithCopyAndConfig() throws IOException {
    touch("bin/app");
    BuildSpec spec = translate("""
        FROM scratch
        COPY bin/app /usr/local/bin/app
        ENV GREETING=hello PORT=8080
        EXPOSE 8080 53/udp
        USER 1000:1000
        WORKDIR /data
        LABEL org.opencontainers.image.title="my app"
        ENTRYPOINT ["/usr/local/bin/app"]
        CMD ["--serve"]
        STOPSIGNAL SIGTERM
        """).spec();
    assertTrue(spec.base().isScratch());
    assertEquals(1, spec.copy().size());
    CopyEntry copy = spec.copy().get(0);
    assertEquals("bin/app", copy.src());
    assertEquals("/usr/local/bin/app", copy.dest().toString());
    assertEquals(List.of("/usr/local/bin/app"), spec.config().entrypoint());
    assertEquals(List.of("--serve"), spec.config().cmd());
    assertEquals(Map.of("GREETING", "hello", "PORT", "8080"), spec.config().env());
    assertEquals(List.of("53/udp", "8080/tcp"), spec.config().exposedPorts());
    assertEquals("1000:1000", spec.config().user());
    assertEquals("/data", spec.config().workdir());
    assertEquals(Map.of("org.opencontainers.image.title", "my app"), spec.config().labels());
    assertEquals("SIGTERM", spec.config().stopSignal());
    assertEquals("app", spec.name());
  }

  @Test
  void multiStageBuildCopiesFromTheStageAndRunsStepsInItsWorkdir() throws IOException {
    touch("main.go", "vendor/modules.txt");
    Translation t = translate("""
        FROM golang:1.22 AS build
        WORKDIR /src
        COPY . .
        RUN go build -mod=vendor -o /out/app .
        FROM debian:bookworm-slim
        COPY --from=build /out/app /usr/local/bin/app
        CMD ["app"]
        """);
    BuildSpec spec = t.spec();
    assertEquals("debian:bookworm-slim", spec.base().image());
    StageSpec build = spec.stages().get("build");
    assertEquals("golang:1.22", build.base().image());
    assertEquals(".", build.copy().get(0).src());
    assertEquals("/src/", build.copy().get(0).dest().toString());
    RunStep step = build.run().get(0);
    assertEquals("go build -mod=vendor -o /out/app .", step.shell());
    assertEquals("/src", step.workdir());
    assertEquals("build", spec.copy().get(0).from());
    assertEquals("/out/app", spec.copy().get(0).src());
    assertFalse(t.needsUser(), t.report().toString());
  }

  @Test
  void aptGetInstallBecomesPackagesFromTheBasesRepositories() {
    Translation t = translate("""
        FROM debian:bookworm
        RUN apt-get update \\
         && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl ca-certificates=20230311 \\
         && rm -rf /var/lib/apt/lists/*
        """);
    BuildSpec spec = t.spec();
    assertEquals(List.of("ca-certificates=20230311", "curl"), spec.packages());
    assertEquals("debian", spec.repositories().get(0).type());
    assertTrue(spec.run().isEmpty(), "nothing is left to run: " + spec.run());
    assertTrue(t.report().stream().anyMatch(e -> e.outcome() == Outcome.PINNED && e.detail().contains("curl")));
    assertTrue(t.report().stream().anyMatch(e -> e.outcome() == Outcome.DROPPED && e.detail().contains("apt-get update")));
  }

  @Test
  void apkAddKeepsTheRestOfTheCommandAsAStep() {
    Translation t = translate("""
        FROM alpine:3.20
        RUN apk add --no-cache --virtual .build gcc musl-dev && gcc -o /hello /hello.c && apk del .build
        """);
    BuildSpec spec = t.spec();
    assertEquals(List.of(), spec.packages());
    assertEquals(List.of("gcc", "musl-dev"), spec.buildPackages(), "apk del .build: present while the step runs only");
    assertEquals("alpine", spec.repositories().get(0).type());
    assertEquals("gcc -o /hello /hello.c", spec.run().get(0).shell());
    assertFalse(t.needsUser(), t.report().toString());
  }

  @Test
  void copyOfAHereDocumentIsAFileWithItsTextExpandedUnlessTheDelimiterIsQuoted() {
    Translation t = translate("""
        FROM alpine:3.20
        ARG NAME=world
        COPY <<EOF /etc/greeting
        hello ${NAME} "quoted" \\n $HOME
        EOF
        COPY --chmod=0755 <<'EOS' <<-TABBED /opt/bin/
        echo ${NAME}
        EOS
        \tindented
        TABBED
        """);
    List<CopyEntry> copy = t.spec().copy();
    assertEquals(3, copy.size());
    assertEquals("hello world \"quoted\" \\n \n", copy.get(0).content(),
        "expanded (an unset variable is empty), quotes and escapes kept, as BuildKit does");
    assertEquals("/etc/greeting", copy.get(0).dest().toString());
    assertEquals("echo ${NAME}\n", copy.get(1).content(), "a quoted delimiter: as written");
    assertEquals("/opt/bin/EOS", copy.get(1).dest().toString(), "into a directory: named after the delimiter");
    assertEquals(0755, copy.get(1).mode().bits());
    assertEquals("indented\n", copy.get(2).content(), "<<- strips leading tabs");
    assertFalse(t.needsUser(), t.report().toString());
  }

  @Test
  void buildOnlyPackagesGoToThePartOfTheirRunAndPackagesToTheFirst() throws IOException {
    touch("hello.c");
    Translation t = translate("""
        FROM alpine:3.20
        RUN apk add --no-cache tini && tini --version > /tini-version
        COPY hello.c /src/
        RUN apk add --virtual .build gcc musl-dev && gcc -o /hello /src/hello.c && apk del .build
        """);
    BuildSpec spec = t.spec();
    assertEquals(List.of(), spec.packages());
    assertEquals(List.of("gcc", "musl-dev"), spec.buildPackages());
    assertEquals(1, spec.stages().size(), spec.stages().keySet().toString());
    StageSpec first = spec.stages().values().iterator().next();
    assertEquals(List.of("tini"), first.packages());
    assertEquals(List.of(), first.buildPackages());
  }

  @Test
  void curlWithAShaCheckBecomesATemporaryPinnedFile() {
    String sha = "a".repeat(64);
    Translation t = translate("""
        FROM debian:bookworm
        WORKDIR /tmp
        RUN curl -fsSL https://example.org/tool-1.0.tar.gz -o tool.tar.gz \\
         && echo "%s  tool.tar.gz" | sha256sum -c - \\
         && tar -xzf tool.tar.gz -C /opt \\
         && rm tool.tar.gz
        """.formatted(sha));
    FileEntry file = t.spec().files().get(0);
    assertEquals("https://example.org/tool-1.0.tar.gz", file.url().toString());
    assertEquals(sha, file.sha256());
    assertEquals("/tmp/tool.tar.gz", file.dest().toString());
    assertTrue(file.temporary());
    assertEquals("echo \"" + sha + "  tool.tar.gz\" | sha256sum -c - && tar -xzf tool.tar.gz -C /opt && rm tool.tar.gz",
        t.spec().run().get(0).shell());
    assertFalse(t.needsUser(), t.report().toString());
  }

  @Test
  void aDownloadWhoseUrlHoldsBracedVariablesIsStillPinned() {
    String sha = "b".repeat(64);
    Translation t = translate("""
        FROM alpine:3.20
        ENV DUMB_INIT_VERSION=1.2.5
        RUN wget -q -O /usr/local/bin/dumb-init https://example.org/v${DUMB_INIT_VERSION}/dumb-init_${DUMB_INIT_VERSION}_x86_64 \\
         && echo "%s  /usr/local/bin/dumb-init" | sha256sum -c - \\
         && chmod 0755 /usr/local/bin/dumb-init
        """.formatted(sha));
    FileEntry file = t.spec().files().get(0);
    assertEquals("https://example.org/v1.2.5/dumb-init_1.2.5_x86_64", file.url().toString());
    assertEquals(sha, file.sha256());
    assertEquals("/usr/local/bin/dumb-init", file.dest().toString());
    assertFalse(t.needsUser(), t.report().toString());
  }

  @Test
  void aBracedVariableWithAnOperatorKeepsTheCommandAsWritten() {
    Translation t = translate("""
        FROM alpine:3.20
        RUN wget -O /usr/local/bin/tool https://example.org/${TOOL_VERSION:-1.0}/tool && chmod +x /usr/local/bin/tool
        """);
    assertTrue(t.spec().files().isEmpty());
    assertTrue(t.needsUser(), "a download sealbuild cannot read is named in the report");
  }

  @Test
  void argsAndEnvAreSubstitutedAsBuildKitDoes() {
    String df = """
        ARG BASE=debian:bookworm
        FROM ${BASE}
        ARG VERSION=1.0
        ENV APP_VERSION=${VERSION} HOME_DIR=/home/app PRICE='$5'
        ENV LABELLED=${UNSET:-fallback}
        RUN echo $APP_VERSION
        """;
    BuildSpec spec = translate(df).spec();
    assertEquals("debian:bookworm", spec.base().image());
    assertEquals("1.0", spec.config().env().get("APP_VERSION"));
    assertEquals("$5", spec.config().env().get("PRICE"), "a Dockerfile's $ is literal in the spec");
    assertEquals("fallback", spec.config().env().get("LABELLED"));
    RunStep step = spec.run().get(0);
    assertEquals("echo $APP_VERSION", step.shell(), "the step's own shell expands it");
    assertEquals("1.0", step.env().get("VERSION"));
    assertEquals("1.0", step.env().get("APP_VERSION"));
    BuildSpec overridden = translate(df, Map.of("VERSION", "2.0", "BASE", "alpine:3.20"), null, DockerIgnore.none()).spec();
    assertEquals("2.0", overridden.config().env().get("APP_VERSION"));
    assertEquals("alpine:3.20", overridden.base().image());
  }

  @Test
  void shellFormsUseTheDeclaredShell() {
    BuildSpec spec = translate("""
        FROM debian:bookworm
        SHELL ["/bin/bash", "-o", "pipefail", "-c"]
        RUN echo hi | cat
        ENTRYPOINT exec /app
        """).spec();
    assertEquals(List.of("/bin/bash", "-o", "pipefail", "-c", "echo hi | cat"), spec.run().get(0).command());
    assertEquals(List.of("/bin/bash", "-o", "pipefail", "-c", "exec /app"), spec.config().entrypoint());
    assertNull(spec.config().cmd());
  }

  @Test
  void unneededStagesAreLeftOutAndTargetPicksTheImage() {
    String df = """
        FROM debian:bookworm AS unused
        RUN echo unused
        FROM debian:bookworm AS test
        RUN echo test
        FROM debian:bookworm AS final
        RUN echo final
        """;
    Translation t = translate(df);
    assertTrue(t.spec().stages().isEmpty());
    assertEquals(2, t.report().stream().filter(e -> e.outcome() == Outcome.DROPPED).count());
    Translation test = translate(df, Map.of(), "test", DockerIgnore.none());
    assertEquals("echo test", test.spec().run().get(0).shell());
  }

  @Test
  void fromAStageStartsFromItAndCarriesItsConfig() {
    BuildSpec spec = translate("""
        FROM debian:bookworm AS base
        ENV APP_HOME=/app
        WORKDIR /app
        FROM base AS final
        RUN touch ready
        """).spec();
    assertEquals("base", spec.base().stage());
    assertEquals("/app", spec.config().workdir());
    assertEquals("/app", spec.config().env().get("APP_HOME"));
    assertEquals("/app", spec.run().get(0).workdir());
  }

  @Test
  void aCopyAfterARunStartsAPartChainedOnTheStepsBeforeIt() throws IOException {
    touch("a");
    BuildSpec spec = translate("""
        FROM debian:bookworm AS build
        RUN echo one > /one
        COPY a /a
        RUN cat /a /one > /both
        FROM scratch
        COPY --from=build /both /both
        """).spec();
    StageSpec first = spec.stages().get("build.part-1");
    assertEquals("debian:bookworm", first.base().image());
    assertEquals("echo one > /one", first.run().get(0).shell());
    assertTrue(first.copy().isEmpty());
    StageSpec build = spec.stages().get("build");
    assertEquals("build.part-1", build.base().stage());
    assertEquals("a", build.copy().get(0).src());
    assertEquals("cat /a /one > /both", build.run().get(0).shell());
    assertEquals("build", spec.copy().get(0).from());
  }

  @Test
  void cacheAndTmpfsMountsAreEmptyTmpfsAndBindMountsTemporaryInputs() throws IOException {
    touch("requirements.txt");
    BuildSpec spec = translate("""
        FROM debian:bookworm
        WORKDIR /app
        RUN --mount=type=cache,target=/root/.cache/pip --mount=type=tmpfs,target=scratch \
            --mount=type=bind,source=requirements.txt,target=/tmp/req.txt make
        """).spec();
    RunStep step = spec.run().get(0);
    assertEquals(List.of("/root/.cache/pip", "/app/scratch"), step.tmpfs());
    CopyEntry bind = spec.copy().get(0);
    assertEquals("requirements.txt", bind.src());
    assertEquals("/tmp/req.txt", bind.dest().toString());
    assertTrue(bind.temporary());
  }

  @Test
  void addOfALocalTarUnpacksItWithItsOwnOwners() throws IOException {
    touch("rootfs.tar.gz", "tool.tar.bz2");
    CopyEntry add = translate("FROM scratch\nADD rootfs.tar.gz /\n").spec().copy().get(0);
    assertTrue(add.extract());
    assertEquals("rootfs.tar.gz", add.src());
    assertNull(add.owner(), "the archive's owners are kept");
    assertError("FROM scratch\nADD tool.tar.bz2 /opt/\n", "Dockerfile:2: ADD tool.tar.bz2: sealbuild unpacks tar archives");
  }

  @Test
  void addUrlIsAPinnedFile() {
    String sha = "b".repeat(64);
    FileEntry f = translate("""
        FROM scratch
        ADD --checksum=sha256:%s https://example.org/dl/tool.bin /usr/local/bin/
        """.formatted(sha)).spec().files().get(0);
    assertEquals(sha, f.sha256());
    assertEquals("/usr/local/bin/tool.bin", f.dest().toString());
    assertEquals(0600, f.mode().bits(), "ADD of a URL gives mode 0600, as docker does");
  }

  @Test
  void dockerignoreBecomesTheCopiesExcludes() throws IOException {
    touch("src/a.txt", "node_modules/x/y.js");
    BuildSpec spec = translate("FROM scratch\nCOPY . /app/\n", Map.of(), null, DockerIgnore.parse("node_modules\n*.log\n")).spec();
    assertEquals(List.of("node_modules", "*.log"), spec.copy().get(0).exclude());
  }

  @Test
  void globSourcesMatchTheContext() throws IOException {
    touch("a.json", "b.json", "c.txt");
    BuildSpec spec = translate("FROM scratch\nCOPY *.json /cfg/\n").spec();
    assertEquals(List.of("a.json", "b.json"), spec.copy().stream().map(CopyEntry::src).toList());
  }

  @Test
  void runHeredocRunsItsScript() {
    BuildSpec spec = translate("""
        FROM debian:bookworm
        RUN <<EOF
        set -e
        echo one > /one
        EOF
        """).spec();
    assertEquals("set -e\necho one > /one", spec.run().get(0).shell());
  }

  @Test
  void languagePackageManagersAreNamedWithWhatToPin() {
    Translation t = translate("""
        FROM python:3.12
        RUN pip install flask
        """);
    assertTrue(t.needsUser());
    assertTrue(t.report().stream().anyMatch(e -> e.outcome() == Outcome.NEEDS_USER && e.detail().contains("--no-index")));
  }

  @Test
  void whatCannotBeHonouredIsAnErrorWithFileAndLine() throws IOException {
    touch("app");
    assertError("FROM scratch\nONBUILD RUN echo\n", "Dockerfile:2: ONBUILD");
    assertError("FROM debian:bookworm\nRUN --mount=type=secret,id=x cat /run/secrets/x\n", "Dockerfile:2: RUN --mount=type=secret");
    assertError("FROM scratch\nADD git@github.com:a/b.git /src\n", "Dockerfile:2: ADD git@github.com:a/b.git: git sources");
    assertError("FROM scratch\nCOPY --chown=app:Bad! app /app\n", "Dockerfile:2: --chown=app:Bad!");
    assertError("FROM --platform=linux/arm64 debian:bookworm\n", "Dockerfile:1: FROM --platform=linux/arm64");
    assertError("FROM scratch\nCOPY --from=3 /x /x\n", "Dockerfile:2: --from=3 names no earlier stage");
    assertError("FROM scratch\nCOPY missing /x\n", "Dockerfile:2: COPY missing: no such file");
    assertError("RUN echo\nFROM scratch\n", "Dockerfile:1: RUN");
  }

  private void assertError(String dockerfile, String start) {
    UserError e = assertThrows(UserError.class, () -> translate(dockerfile));
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
