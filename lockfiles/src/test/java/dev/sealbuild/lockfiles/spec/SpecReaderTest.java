package dev.sealbuild.lockfiles.spec;

import dev.sealbuild.formats.oci.Platform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecReaderTest {
  private final SpecReader reader = new SpecReader(Map.of("VERSION", "1.2.3", "EMPTY", ""));

  private BuildSpec parse(String yaml) {
    return reader.parse("build.yaml", yaml);
  }

  private String error(String yaml) {
    SpecException e = assertThrows(SpecException.class, () -> parse(yaml));
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void readsEveryKeyAndAppliesDefaults() {
    BuildSpec spec = parse("""
        name: app
        files:
          - url: https://example.invalid/tool-${VERSION}.tar.gz
            dest: /opt/tool
            extract: true
            owner: "10:20"
        copy:
          - src: site
            dest: /srv/
            mode: "0640"
        config:
          entrypoint: [/bin/app]
          cmd: [serve]
          env: {B: "2", A: "1"}
          workdir: /srv
          user: "10:20"
          labels: {x: y}
          exposedPorts: [80, 53/udp]
          stopSignal: SIGTERM
        layers: per-source
        """);
    assertEquals("app", spec.name());
    assertTrue(spec.base().isScratch());
    assertEquals("https://example.invalid/tool-1.2.3.tar.gz", spec.files().get(0).url().toString());
    assertEquals(new Owner(10, 20), spec.files().get(0).owner());
    assertEquals(Owner.ROOT, spec.copy().get(0).owner());
    assertEquals(0640, spec.copy().get(0).mode().bits());
    assertEquals(List.of("53/udp", "80/tcp"), spec.config().exposedPorts());
    assertEquals(List.of("A", "B"), List.copyOf(spec.config().env().keySet()));
    assertEquals(List.of(Platform.LINUX_AMD64), spec.platforms());
    assertEquals(LayerStrategy.PER_SOURCE, spec.layers());
  }

  @Test
  void rootfsBaseAndPlatforms() {
    BuildSpec spec = parse("""
        name: a
        base: {rootfs: {path: rootfs.tar.xz, sha256: "%s"}}
        platforms: [linux/amd64, linux/arm64/v8]
        """.formatted("ab".repeat(32)));
    assertEquals("rootfs.tar.xz", spec.base().rootfs().path());
    assertEquals("arm64", spec.platforms().get(1).architecture());
    assertEquals("v8", spec.platforms().get(1).variant());
  }

  @Test
  void defaultsExpandAndEmptyValuesFallBack() {
    BuildSpec spec = parse("""
        name: a
        config:
          env: {X: "${MISSING:-fallback}", Y: "${EMPTY:-was-empty}", Z: "$${LITERAL}"}
        """);
    assertEquals(Map.of("X", "fallback", "Y", "was-empty", "Z", "${LITERAL}"), spec.config().env());
  }

  @Test
  void unknownKeyNamesFileLineAndNearestKey() {
    String msg = error("""
        name: a
        files:
          - url: https://example.invalid/x
            dest: /x
            shaa256: abc
        """);
    assertTrue(msg.startsWith("build.yaml:5"), msg);
    assertTrue(msg.contains("unknown key 'shaa256'"), msg);
    assertTrue(msg.contains("did you mean 'sha256'"), msg);
  }

  @Test
  void misspelledTopLevelKey() {
    String msg = error("name: a\nplatfroms: [linux/amd64]\n");
    assertTrue(msg.contains("build.yaml:2") && msg.contains("'platforms'"), msg);
  }

  @Test
  void unsetVariableIsNamed() {
    String msg = error("name: a\nconfig: {user: \"${NOPE}\"}\n");
    assertTrue(msg.contains("${NOPE}") && msg.contains("build.yaml:2"), msg);
  }

  /** Found by SpecFuzzTest: Jackson named SnakeYAML's event class ("<org.yaml.snakeyaml.events.MappingStartEvent(...)>"). */
  @Test
  void aMappingAsAKeyIsRefusedInWords() {
    String msg = error("name: a\nfiles:\n  - {url: x, {dest: y}: z}\n");
    assertTrue(msg.contains("malformed YAML: a key must be plain text, not a mapping or a list"), msg);
    assertFalse(dev.sealbuild.testsupport.RefusalText.JAVA_SPEAK.matcher(msg).find(), msg);
  }

  /** Found by SpecFuzzTest: the URL followed Java's reason unquoted ("Illegal character in path at index 4: a b/x"). */
  @Test
  void anInvalidUrlIsQuoted() {
    String msg = error("name: a\nfiles:\n  - {url: \"https://example.invalid/a b\", dest: /x}\n");
    assertTrue(msg.contains("files[0].url: not a valid URL 'https://example.invalid/a b': illegal character in path at character 26"), msg);
  }

  @Test
  void aValueWithALineBreakIsQuotedOnOneLine() {
    // Found by SpecFuzzTest: an owner spanning lines was quoted raw, and the message's second line read as Java.
    String msg = error("name: a\ncopy:\n  - src: x\n    dest: /x\n    owner: \"10\\nException\"\n");
    assertTrue(msg.contains("copy[0].owner: owner '10 Exception' needs a group too"), msg);
    dev.sealbuild.testsupport.RefusalText.assertPlainWords("spec", msg, null, true);
  }

  @Test
  void malformedYaml() {
    String msg = error("name: a\nfiles: [\n  - url: x\n");
    assertTrue(msg.contains("malformed YAML"), msg);
  }

  @Test
  void relativeDestIsRefused() {
    String msg = error("name: a\ncopy: [{src: x, dest: relative/path}]\n");
    assertTrue(msg.contains("must be an absolute path"), msg);
    assertTrue(msg.contains("copy[0]"), msg);
  }

  @Test
  void destWithDotDotIsRefused() {
    assertTrue(error("name: a\ncopy: [{src: x, dest: /a/../etc}]\n").contains("normalized"));
  }

  @Test
  void badDigestIsRefused() {
    assertTrue(error("name: a\nfiles: [{url: 'https://e.invalid/x', dest: /x, sha256: ABC}]\n").contains("sha256"));
  }

  @Test
  void missingRequiredKey() {
    assertTrue(error("name: a\nfiles: [{url: 'https://e.invalid/x'}]\n").contains("missing required key 'dest'"));
  }

  @Test
  void badModeOwnerPlatformAndLayers() {
    assertTrue(error("name: a\ncopy: [{src: x, dest: /x, mode: '0999'}]\n").contains("octal"));
    assertTrue(error("name: a\ncopy: [{src: x, dest: /x, owner: root}]\n").contains("needs a group too"));
    assertTrue(error("name: a\ncopy: [{src: x, dest: /x, owner: 'Root:x'}]\n").contains("neither an id nor an account name"));
    assertEquals("app:1000", new SpecReader(java.util.Map.of()).parse("t", "name: a\ncopy: [{src: x, dest: /x, owner: 'app:1000'}]\n")
        .copy().get(0).owner().toString());
    assertTrue(error("name: a\nplatforms: [amd64]\n").contains("linux/amd64"));
    assertTrue(error("name: a\nlayers: flat\n").contains("squash"));
  }

  @Test
  void compressionIsGzipUnlessTheSpecSaysZstd() {
    assertEquals(LayerCompression.GZIP, parse("name: a\n").compression());
    assertEquals(LayerCompression.ZSTD, parse("name: a\ncompression: zstd\n").compression());
    assertEquals(LayerCompression.GZIP, parse("name: a\ncompression: gzip\n").compression());
  }

  @Test
  void anUnknownCompressionIsRefusedWithWhereAndWhatIsAllowed() {
    assertEquals("build.yaml:3: compression: compression must be 'gzip' or 'zstd', got 'xz'",
        error("name: a\nlayers: squash\ncompression: xz\n"));
  }

  @Test
  void switchingCompressionKeepsTheLockCurrent() {
    // compression changes the image, not what the lock pins
    assertEquals(dev.sealbuild.lockfiles.lock.SpecDigest.of(parse("name: a\n")),
        dev.sealbuild.lockfiles.lock.SpecDigest.of(parse("name: a\ncompression: zstd\n")));
    assertTrue(!dev.sealbuild.lockfiles.lock.SpecDigest.of(parse("name: a\n"))
        .equals(dev.sealbuild.lockfiles.lock.SpecDigest.of(parse("name: b\ncompression: zstd\n"))));
  }

  @Test
  void duplicateKeyIsRefused() {
    assertTrue(error("name: a\nname: b\n").contains("name"));
  }

  @Test
  void numericModeIsReadAsOctalDigits() {
    BuildSpec spec = parse("name: a\ncopy: [{src: x, dest: /x, mode: 755}]\n");
    assertEquals(0755, spec.copy().get(0).mode().bits());
  }

  @Test
  void misspelledRequiredKeyIsReportedAsUnknownNotMissing() {
    String msg = error("name: a\ncopy:\n  - src: x\n    dset: /x\n");
    assertTrue(msg.startsWith("build.yaml:4: unknown key 'dset' in copy[0]; did you mean 'dest'?"), msg);
  }

  @Test
  void unknownKeyInsideNestedRecords() {
    String msg = error("name: a\nbase: {rootfs: {url: 'https://e.invalid/r.tar', sha265: abc}}\n");
    assertTrue(msg.contains("unknown key 'sha265'") && msg.contains("did you mean 'sha256'"), msg);
    assertTrue(error("name: a\nconfig: {entrypont: [x]}\n").contains("did you mean 'entrypoint'"));
  }

  @Test
  void mapsAcceptAnyKey() {
    assertEquals("v", parse("name: a\nconfig: {labels: {any.key/at-all: v}}\n").config().labels().get("any.key/at-all"));
  }

  private static final String DEBIAN = "name: a\nrepositories: [{name: debian, type: debian, suite: bookworm}]\n";
  private static final String ALPINE = "name: a\nrepositories: [{name: main, type: alpine,"
      + " url: 'https://dl-cdn.alpinelinux.org/alpine/v3.20/main', keys: [k.pub]}]\n";

  @Test
  void fromBaseTakesTheRepositoriesTheBaseNamesAndNothingElse() {
    BuildSpec spec = parse("name: a\nbase: {image: 'registry.example/debian:bookworm'}\n"
        + "repositories: [{name: debian, type: debian, from: base}]\npackages: [curl]\n");
    RepositorySpec repo = spec.repositories().get(0);
    assertTrue(repo.isFromBase());
    assertEquals(null, repo.suite());
    assertEquals(RepositorySpec.fromBase("debian", "debian"), repo);
    assertTrue(parse("name: a\nbase: {image: 'registry.example/alpine:3.20'}\n"
        + "repositories: [{name: main, type: alpine, from: base}]\npackages: [curl]\n").repositories().get(0).isFromBase());
    assertTrue(error("name: a\nrepositories: [{name: debian, type: debian, from: image}]\n")
        .contains("repository debian: from must be 'base'"));
    assertTrue(error("name: a\nrepositories: [{name: debian, type: debian, from: base, suite: bookworm, url: 'https://m.example/d'}]\n")
        .contains("repository debian: with from: base the base names url, suite, components and keys; remove url, suite"));
    assertTrue(error("name: a\nrepositories: [{name: main, type: alpine, from: base, keys: [k.pub]}]\n")
        .contains("remove keys"));
    assertTrue(error("name: a\nrepositories: [{name: debian, type: debian, from: base}]\npackages: [curl]\n")
        .contains("repository debian: from: base takes the repositories a base names, but the base is scratch"));
  }

  @Test
  void aFromBaseEntryLeavesTheDigestOfOtherSpecsAlone() {
    String written = "name: a\nrepositories: [{name: debian, type: debian, suite: bookworm}]\npackages: [curl]\n";
    String json = dev.sealbuild.formats.json.CanonicalJson.sortedTree(parse(written)).toString();
    assertTrue(!json.contains("from") && !json.contains("fromBase"), json);
  }

  @Test
  void debianPackagesTakeAptRequestSyntax() {
    BuildSpec spec = parse(DEBIAN + "packages: [curl=7.88.1-10+deb12u8, tzdata/bookworm-updates, 'libc6=2:2.36-9']\n");
    assertEquals(List.of("curl=7.88.1-10+deb12u8", "libc6=2:2.36-9", "tzdata/bookworm-updates"), spec.packages(),
        "kept as written");
    assertEquals(new DebianPackageRequest("curl", java.util.Optional.of("7.88.1-10+deb12u8"), java.util.Optional.empty()),
        DebianPackageRequest.parse("curl=7.88.1-10+deb12u8"));
    assertEquals("tzdata/bookworm-updates", DebianPackageRequest.parse("tzdata/bookworm-updates").toString());
  }

  @Test
  void debianRequestsTakeAnArchitectureQualifierAsAptDoes() {
    BuildSpec spec = parse(DEBIAN + "packages: ['busybox-static:arm64', 'tzdata:all', 'curl:amd64=7.88.1-10+deb12u8', 'bash:native/bookworm']\n");
    assertEquals(4, spec.packages().size());
    DebianPackageRequest versioned = DebianPackageRequest.parse("curl:amd64=7.88.1-10+deb12u8");
    assertEquals(new DebianPackageRequest("curl", java.util.Optional.of("amd64"), java.util.Optional.of("7.88.1-10+deb12u8"),
        java.util.Optional.empty()), versioned);
    assertEquals("curl:amd64=7.88.1-10+deb12u8", versioned.toString());
    assertEquals("bookworm", DebianPackageRequest.parse("bash:native/bookworm").suite().orElseThrow());
    assertEquals("arm64", DebianPackageRequest.parse("busybox-static:arm64").architectureOn("amd64"));
    for (String own : List.of("tzdata:all", "tzdata:native", "tzdata:any", "tzdata:amd64", "tzdata")) {
      assertEquals("amd64", DebianPackageRequest.parse(own).architectureOn("amd64"), own);
    }
  }

  @Test
  void aDebianEntryTakesAnAptPinPriority() {
    BuildSpec spec = parse("name: a\nrepositories: [{name: debian, type: debian, suite: bookworm},"
        + " {name: bp, type: debian, suite: bookworm-backports, priority: 500}]\npackages: [curl]\n");
    assertEquals(null, spec.repositories().get(0).priority());
    assertEquals(500, spec.repositories().get(1).priority());
    assertEquals(100, parse("name: a\nbase: {image: 'registry.example/debian:bookworm'}\n"
        + "repositories: [{name: debian, type: debian, from: base, priority: 100}]\npackages: [curl]\n")
        .repositories().get(0).priority(), "a from: base entry pins what it stands for");
    String json = dev.sealbuild.formats.json.CanonicalJson.sortedTree(parse(DEBIAN + "packages: [curl]\n")).toString();
    assertTrue(!json.contains("priority"), "an entry without priority keeps the digest it had: " + json);
    assertTrue(!dev.sealbuild.lockfiles.lock.SpecDigest.of(parse(DEBIAN + "packages: [curl]\n")).equals(
        dev.sealbuild.lockfiles.lock.SpecDigest.of(parse("name: a\nrepositories: [{name: debian, type: debian,"
            + " suite: bookworm, priority: 990}]\npackages: [curl]\n"))), "a priority changes the spec digest");
  }

  @Test
  void aBadPriorityIsAOneLineErrorNamingTheEntry() {
    String zero = error("name: a\nrepositories: [{name: bp, type: debian, suite: bookworm, priority: 0}]\npackages: [curl]\n");
    assertTrue(zero.contains("repository bp: priority 0 is not an apt pin priority; use a non-zero number from -32768"
        + " to 32767"), zero);
    assertTrue(!zero.contains("\n"), zero);
    assertTrue(error("name: a\nrepositories: [{name: bp, type: debian, suite: bookworm, priority: 40000}]\npackages: [curl]\n")
        .contains("priority 40000 is not an apt pin priority"));
    String alpine = error("name: a\nrepositories: [{name: main, type: alpine, url: 'https://dl-cdn.alpinelinux.org/alpine/v3.20/main',"
        + " keys: [k.pub], priority: 10}]\npackages: [busybox]\n");
    assertTrue(alpine.contains("repository main: priority is an apt pin priority and takes a debian repository; remove it"), alpine);
    String word = error("name: a\nrepositories: [{name: bp, type: debian, suite: bookworm, priority: high}]\npackages: [curl]\n");
    assertTrue(word.contains("priority"), word);
  }

  @Test
  void malformedDebianRequestsAreOneLineErrors() {
    assertTrue(error(DEBIAN + "packages: [curl=]\n").contains("'' is not a Debian version"));
    assertTrue(error(DEBIAN + "packages: [curl/]\n").contains("is not a suite name"));
    assertTrue(error(DEBIAN + "packages: ['curl>=8']\n").contains("package name 'curl>=8' is not valid"));
    assertTrue(error(DEBIAN + "packages: ['curl:ARM']\n").contains("'ARM' is not an architecture; write name:arch"));
  }

  private static final String ALPINE_TAGGED = "name: a\nrepositories:\n"
      + "  - {name: main, type: alpine, url: 'https://alpine.example.invalid/main', keys: [k.pub]}\n"
      + "  - {name: edge, type: alpine, url: 'https://alpine.example.invalid/edge', keys: [k.pub], tag: edge}\n";

  @Test
  void alpineSpecsTakeApkWorldSyntaxKeptAsWritten() {
    List<String> written = List.of("busybox=1.36.1-r29", "curl>=8", "openssl~3.1", "!doc-pkg", "/bin/sh", "foo@edge",
        "so:libc.musl-x86_64.so.1", "cmd:sh", "pc:zlib", "musl<1.3", "zlib<=1.3.1-r0", "tzdata>2024a-r0", "bar@edge>=2",
        "git<~2.45", "bash>~5.2");
    BuildSpec spec = parse(ALPINE_TAGGED + "packages: [" + String.join(", ", written.stream().map(w -> "'" + w + "'").toList())
        + "]\n");
    assertEquals(written.stream().sorted().toList(), spec.packages());
    assertEquals("edge", spec.repositories().get(1).tag());
  }

  @Test
  void anUnquotedConflictEntryIsAYamlTagAndSaysToQuoteIt() {
    assertEquals("build.yaml:3: YAML tag '!doc-pkg' is not supported; if it is text, such as the apk entry never to"
        + " install a package, quote it: '!doc-pkg'", error(ALPINE + "packages: [busybox, !doc-pkg]\n"));
    assertEquals("build.yaml:4: YAML tag '!doc-pkg' is not supported; if it is text, such as the apk entry never to"
        + " install a package, quote it: '!doc-pkg'", error(ALPINE + "packages:\n  - !doc-pkg\n  - busybox\n"));
    assertEquals(List.of("!doc-pkg", "busybox"), parse(ALPINE + "packages: ['!doc-pkg', busybox]\n").packages());
  }

  @Test
  void alpineWorldErrorsNameTheEntryAndWhatToDo() {
    assertEquals("build.yaml: package 'busybox=>1.36': '=>' is not an apk version operator; use one of"
        + " = < <= > >= ~ <~ >~, such as busybox>=1.2", error(ALPINE + "packages: ['busybox=>1.36']\n"));
    assertTrue(error(ALPINE + "packages: ['curl>=eight']\n")
        .contains("package 'curl>=eight': 'eight' is not an apk version; write name>=version, such as curl>=1.2.3-r0"));
    assertTrue(error(ALPINE + "packages: ['foo@edge']\n")
        .contains("package 'foo@edge': no repository has tag: edge; add tag: edge to the repository entry it should come"
            + " from, or drop @edge"));
    // a from: base entry may bring the tag (an @edge line of the base's /etc/apk/repositories): the lock checks it
    assertEquals(List.of("foo@edge"), parse("name: a\nbase: {image: 'registry.example/alpine:3.20'}\n"
        + "repositories: [{name: main, type: alpine, from: base}]\npackages: ['foo@edge']\n").packages());
    assertTrue(error(ALPINE + "packages: [curl, 'curl>=8']\n")
        .contains("packages 'curl' and 'curl>=8' both name curl; apk keeps one world entry per name, so keep one of them"));
    assertTrue(error(ALPINE + "packages: ['cu rl']\n").contains("package 'cu rl': 'cu rl' is not an apk package name"));
    assertTrue(error(DEBIAN.replace("suite: bookworm", "suite: bookworm, tag: x") + "packages: [curl]\n")
        .contains("repository debian: tag 'x' is for alpine repositories; remove it"));
  }

  @Test
  void aChangedRequestChangesTheSpecDigestSoLockCheckSeesIt() {
    assertTrue(!dev.sealbuild.lockfiles.lock.SpecDigest.of(parse(DEBIAN + "packages: [curl]\n"))
        .equals(dev.sealbuild.lockfiles.lock.SpecDigest.of(parse(DEBIAN + "packages: [curl=7.88.1-10+deb12u8]\n"))));
  }

  @Test
  void aliasIsRefusedNamingItsLineNotReadAsText() {
    String message = error("""
        name: app
        config:
          entrypoint: ["/bin/app"]
          cmd: [*x]
        """);
    assertEquals("build.yaml:4: YAML alias '*x' is not supported; write the value out instead of referring to an anchor", message);
  }

  @Test
  void anchorIsRefusedNamingItsLine() {
    String message = error("""
        name: app
        config:
          entrypoint: [&x "/bin/app"]
          cmd: [*x]
        """);
    assertEquals("build.yaml:3: YAML anchor '&x' is not supported; write the value out where it is needed", message);
  }

  @Test
  void anchoredMappingAndMergeKeyAreRefusedAtTheAnchor() {
    String message = error("""
        name: app
        config: &c
          workdir: /srv
        extra:
          <<: *c
        """);
    assertTrue(message.startsWith("build.yaml:2: YAML anchor '&c'"), message);
  }

  @Test
  void typeMismatchSaysWhatWasExpectedAndFoundWithoutJavaTypes() {
    assertEquals("build.yaml:2: packages: wrong type of value: expected a list, found a mapping", error("name: app\npackages: {a: 1}\n"));
    assertEquals("build.yaml:2: config: wrong type of value: expected a mapping of keys to values, found text",
        error("name: app\nconfig: text\n"));
  }
}
