package dev.sealbuild.builder.step;

import static dev.sealbuild.builder.step.StepTrees.EPOCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.layer.LayerWriter;
import dev.sealbuild.testsupport.Requirements;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Build steps in real runc containers over the Alpine minirootfs: what they change, see, and cannot reach. */
class StepExecutorTest {
  private static RuncRuntime runc;
  @TempDir
  Path work;
  private ContentSpool spool;
  private ImageTree tree;
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void runcInstalled() throws IOException {
    Requirements.requireTools("runc");
    runc = RuncRuntime.fromPath();
  }

  @BeforeEach
  void alpine() throws IOException {
    spool = new ContentSpool(work);
    tree = StepTrees.alpine(spool);
    tree.startLayer("steps");
  }

  @AfterEach
  void close() throws IOException {
    spool.close();
  }

  private StepExecutor executor() throws IOException {
    return new StepExecutor(runc, work, spool, EPOCH, output::add);
  }

  private ChangeSet run(StepCommand command) throws IOException {
    return executor().run(tree, List.of(), command, new StepLabel(null, 1));
  }

  private Node node(String path) {
    return tree.lookup(EntryPath.parse(path));
  }

  @Test
  void aStepsFileComesBackWithItsContentModeAndOwner() throws IOException {
    ChangeSet changes = run(StepCommand.shell(
        "printf hello > /srv/out.txt && chmod 640 /srv/out.txt && chown 1000:1000 /srv/out.txt"));
    assertEquals(List.of(EntryPath.parse("srv/out.txt")), changes.changes().stream().map(ChangeSet.Change::path).toList());
    Node out = changes.changes().get(0).node();
    assertEquals("hello", StepTrees.text(out));
    assertEquals(new Meta(0640, 1000, 1000, EPOCH), out.meta());
    assertTrue(((Node.RegularFile) out).content().knownDigest().isPresent(), "content went through the spool");
    assertEquals(out, node("srv/out.txt"), "applied to the tree");
    assertTrue(tree.currentLayer().entries().containsKey(EntryPath.parse("srv/out.txt")));
    assertTrue(StepTrees.noStepDirectoryLeft(work));
  }

  @Test
  void deletingALowerFileLeavesAWhiteout() throws IOException {
    ChangeSet changes = run(StepCommand.shell("rm /etc/motd && rm -r /etc/apk"));
    assertEquals(List.of("/etc/apk deleted", "/etc/motd deleted"), changes.describe());
    assertNull(node("etc/motd"));
    assertNull(node("etc/apk/world"));
    assertTrue(tree.currentLayer().whiteouts().containsAll(List.of(EntryPath.parse("etc/motd"),
        EntryPath.parse("etc/apk"))));
    Path layer = work.resolve("layer.tar.gz");
    new LayerWriter(EPOCH).write(tree.currentLayer(), tree, layer, "step");
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
        Files.newInputStream(layer)))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        names.add(e.getName() + (e.isFile() ? " " + e.getSize() : ""));
      }
    }
    assertEquals(List.of("etc/", "etc/.wh.apk 0", "etc/.wh.motd 0"), names, "the layer carries the deletions");
  }

  @Test
  void deletingAFileOfTheCurrentLayerLeavesNoWhiteout() throws IOException {
    StepTrees.file(tree, spool, "srv/new.txt", "new", 0644, 0);
    run(StepCommand.shell("rm /srv/new.txt"));
    assertNull(node("srv/new.txt"));
    assertTrue(tree.currentLayer().whiteouts().isEmpty());
    assertFalse(tree.currentLayer().entries().containsKey(EntryPath.parse("srv/new.txt")));
  }

  @Test
  void argvFormGetsExactlyTheFixedEnvironmentAndItsOwn() throws IOException {
    run(new StepCommand(List.of("/usr/bin/env"), Map.of("MODE", "release"), null, null, Duration.ofSeconds(60),
        "env"));
    List<String> expected = List.of("HOME=/root", "LANG=C.UTF-8", "MODE=release",
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SOURCE_DATE_EPOCH=" + EPOCH, "TZ=UTC");
    List<String> seen = new ArrayList<>(output);
    Collections.sort(seen);
    assertEquals(expected, seen, "no host variable reaches the step");
  }

  @Test
  void whatAStepWritesUnderItsTmpfsReachesNoLayerAndWhatWasThereStays() throws IOException {
    StepTrees.file(tree, spool, "var/cache/app/old.txt", "kept", 0644, 0);
    ChangeSet changes = run(new StepCommand(List.of("/bin/sh", "-c",
        "ls /var/cache/app | wc -l > /srv/seen && echo new > /var/cache/app/new.txt && mkdir -p /root/.cache/x"
            + " && touch /root/.cache/x/y"), Map.of(), null, null, Duration.ofSeconds(60), "cache",
        List.of("/var/cache/app", "/root/.cache")));
    assertEquals("0\n", StepTrees.text(node("srv/seen")), "the step saw an empty directory");
    assertEquals("kept", StepTrees.text(node("var/cache/app/old.txt")), "what the tree held below the mount stays");
    assertNull(node("var/cache/app/new.txt"));
    assertNull(node("root/.cache/x"));
    assertNull(node("root/.cache"), "a mount point the runtime created stays out, with the parents it needed");
    assertTrue(changes.describe().stream().noneMatch(c -> c.contains("new.txt") || c.contains(".cache/x")), changes.describe().toString());
  }

  @Test
  void filesGetTheUmaskOf0022WhateverTheHostsIs() throws IOException {
    ChangeSet changes = run(StepCommand.shell("umask; mkdir /srv/d && touch /srv/d/f"));
    assertEquals(List.of("0022"), output);
    assertEquals(List.of("/srv/d dir 0755 0:0 " + EPOCH,
        "/srv/d/f file 0644 0:0 " + EPOCH + " sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        changes.describe());
  }

  @Test
  void anInvalidEnvironmentNameIsRefused() {
    var e = assertThrows(dev.sealbuild.formats.UserError.class,
        () -> StepCommand.shell("true").withEnv(Map.of("A=B", "x")));
    assertTrue(e.getMessage().startsWith("step environment variable 'A=B' is not valid"), e.getMessage());
  }

  @Test
  void workdirAndNumericUserApply() throws IOException {
    run(StepCommand.shell("id -u; id -g; pwd; hostname").withUser("1000:1000").withWorkdir("/srv"));
    assertEquals(List.of("1000", "1000", "/srv", "sealbuild"), output);
  }

  @Test
  void aMissingWorkdirIsCreatedAndKept() throws IOException {
    ChangeSet changes = run(StepCommand.shell("pwd").withWorkdir("/src/app"));
    assertEquals(List.of("/src/app"), output);
    assertEquals(List.of("/src dir 0755 0:0 " + EPOCH, "/src/app dir 0755 0:0 " + EPOCH), changes.describe());
  }

  @Test
  void aDirectoryReplacedByAFileHidesTheLowerContents() throws IOException {
    ChangeSet changes = run(StepCommand.shell("rm -r /etc/apk && echo flat > /etc/apk"));
    assertEquals(1, changes.changes().size(), changes.changes().toString());
    assertEquals("flat\n", StepTrees.text(node("etc/apk")));
    assertNull(node("etc/apk/world"));
  }

  @Test
  void userNamesComeFromTheImagesAccounts() throws IOException {
    run(StepCommand.shell("id -u; id -g; echo $HOME").withUser("nobody:wheel"));
    assertEquals(List.of("65534", "10", "/"), output);
  }

  @Test
  void anUnknownUserIsAOneLineError() {
    var e = assertThrows(dev.sealbuild.formats.UserError.class,
        () -> run(StepCommand.shell("true").withUser("builder")));
    assertTrue(e.getMessage().contains("user 'builder' is not in the image's /etc/passwd"), e.getMessage());
  }

  @Test
  void aFailingStepNamesLabelCommandExitCodeAndLastTwentyLines() throws IOException {
    String script = "for i in $(seq 1 30); do echo line$i; done; exit 7";
    StepFailedException e = assertThrows(StepFailedException.class, () -> executor().run(tree, List.of(),
        StepCommand.shell(script), new StepLabel("build", 2)));
    List<String> lines = e.getMessage().lines().toList();
    assertEquals("run step 2 of stage build (" + script + ") failed with exit code 7; last 20 lines of its output:",
        lines.get(0));
    List<String> expected = new ArrayList<>();
    for (int i = 11; i <= 30; i++) {
      expected.add("line" + i);
    }
    assertEquals(expected, lines.subList(1, lines.size()));
    assertEquals(30, output.size(), "every line was streamed");
    assertTrue(StepTrees.noStepDirectoryLeft(work));
  }

  @Test
  void aStepOverItsTimeIsKilled() throws IOException {
    StepFailedException e = assertThrows(StepFailedException.class,
        () -> run(StepCommand.shell("echo started; sleep 60").withTimeout(Duration.ofSeconds(1))));
    assertTrue(e.getMessage().startsWith("run step 1 of the image (echo started; sleep 60) did not finish within 1 s"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("\nstarted"), e.getMessage());
    assertTrue(StepTrees.noStepDirectoryLeft(work));
  }

  @Test
  void anInterruptedStepLeavesNoContainerBehind() throws Exception {
    String marker = "4243.25";
    Thread.UncaughtExceptionHandler none = (t, e) -> { };
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
    StepExecutor executor = new StepExecutor(runc, work, spool, EPOCH, line -> output.add(line));
    Thread t = new Thread(() -> {
      try {
        executor.run(tree, List.of(), StepCommand.shell("echo started; exec sleep " + marker), new StepLabel(null, 1));
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    t.setUncaughtExceptionHandler(none);
    t.start();
    while (!output.contains("started") && t.isAlive()) {
      Thread.sleep(20);
    }
    t.interrupt();
    t.join(30_000);
    assertInstanceOf(java.io.InterruptedIOException.class, thrown.get());
    assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(marker)),
        "the step's process still runs");
    assertTrue(StepTrees.noStepDirectoryLeft(work));
  }

  @Test
  void namesAnImageCannotHoldAreOneLineErrors() throws IOException {
    var wh = assertThrows(dev.sealbuild.formats.UserError.class, () -> run(StepCommand.shell("touch /srv/.wh.x")));
    assertEquals("run step 1 of the image (touch /srv/.wh.x) created /srv/.wh.x: names starting with .wh. are "
        + "reserved for layer whiteouts; rename or remove it in the step", wh.getMessage());
    var utf8 = assertThrows(dev.sealbuild.formats.UserError.class,
        () -> run(StepCommand.shell("touch \"/srv/$(printf '\\377')\"")));
    assertTrue(utf8.getMessage().contains("created a name an image cannot hold"), utf8.getMessage());
    assertEquals(1, utf8.getMessage().lines().count());
    assertTrue(StepTrees.noStepDirectoryLeft(work));
  }

  @Test
  void aListenerOnTheHostsLoopbackSeesNoConnection() throws IOException {
    try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      StepFailedException e = assertThrows(StepFailedException.class,
          () -> run(StepCommand.shell("wget -q -T 3 -O - http://127.0.0.1:" + port + "/")));
      assertTrue(e.getMessage().endsWith("\nwget: can't connect to remote host (127.0.0.1): Connection refused"),
          e.getMessage());
      listener.setSoTimeout(300);
      assertThrows(SocketTimeoutException.class, listener::accept, "the step reached the host's listener");
    }
  }

  @Test
  void namesDoNotResolve() {
    StepFailedException e = assertThrows(StepFailedException.class,
        () -> run(StepCommand.shell("ls /etc/resolv.conf; nslookup example.org")));
    assertTrue(e.getMessage().contains("\nls: /etc/resolv.conf: No such file or directory\n"), "no DNS configuration");
    assertTrue(e.getMessage().contains("failed with exit code 1;"), e.getMessage());
    assertTrue(e.getMessage().contains("no servers could be reached"), e.getMessage());
  }

  @Test
  void linksToTheHostsEtcStayInsideTheImage() throws IOException {
    tree.addSymlink(EntryPath.parse("abs"), new Meta(0777, 0, 0, EPOCH), "/etc");
    tree.addSymlink(EntryPath.parse("srv/rel"), new Meta(0777, 0, 0, EPOCH), "../../../etc");
    String probe = "sealbuild-step-probe-" + ProcessHandle.current().pid();
    ChangeSet changes = run(StepCommand.shell("echo one > /abs/" + probe + "-1 && echo two > /srv/rel/" + probe + "-2"));
    assertFalse(Files.exists(Path.of("/etc", probe + "-1")), "wrote into the host's /etc");
    assertFalse(Files.exists(Path.of("/etc", probe + "-2")), "wrote into the host's /etc");
    assertEquals(List.of(EntryPath.parse("etc/" + probe + "-1"), EntryPath.parse("etc/" + probe + "-2")),
        changes.changes().stream().map(ChangeSet.Change::path).toList());
  }

  @Test
  void aLinkAStepLeavesIsKeptAsALinkAndTheNextStepStaysInside() throws IOException {
    ChangeSet first = run(StepCommand.shell("rm -r /srv && ln -s / /srv && ln -s /etc/passwd /pw"));
    assertEquals(List.of("/pw symlink 0777 0:0 " + EPOCH + " -> /etc/passwd", "/srv symlink 0777 0:0 " + EPOCH + " -> /"),
        first.describe());
    String probe = "sealbuild-through-" + ProcessHandle.current().pid();
    ChangeSet second = executor().run(tree, List.of(), StepCommand.shell("echo x > /srv/" + probe
        + " && echo y >> /pw"), new StepLabel(null, 2));
    assertEquals(List.of("/etc/passwd", "/" + probe), second.changes().stream().map(c -> c.path().toString()).toList());
    assertFalse(Files.exists(Path.of("/", probe)));
    assertTrue(StepTrees.text(node("etc/passwd")).endsWith("\ny\n"));
  }

  @Test
  void writingAboveTheRootLandsInside() throws IOException {
    String probe = "sealbuild-outside-" + ProcessHandle.current().pid();
    ChangeSet changes = run(StepCommand.shell("echo x > /../../" + probe));
    assertEquals(List.of("/" + probe), changes.changes().stream().map(c -> c.path().toString()).toList());
    assertFalse(Files.exists(work.resolve(probe)));
    assertFalse(Files.exists(Path.of("/", probe)));
  }

  @Test
  void temporaryInputsNeverReachTheChangeSet() throws IOException {
    var temporary = StepTrees.files(spool, Map.of("tmp/data/input.txt", "data", "opt/tool/run.sh", "echo ran",
        "opt/other/x/y.txt", "y", "opt/cache/", ""));
    ChangeSet changes = executor().run(tree, List.of(temporary), StepCommand.shell(
        "cat /tmp/data/input.txt > /srv/copied && sh /opt/tool/run.sh > /opt/tool/out && echo z > /opt/cache/z"),
        new StepLabel("build", 1));
    assertEquals(List.of("/opt/tool", "/opt/tool/out", "/srv/copied"),
        changes.changes().stream().map(c -> c.path().toString()).toList(),
        "no temporary path, nothing below a temporary directory (opt/cache), no parent made only for one (opt/other, "
            + "tmp/data)");
    assertEquals("data", StepTrees.text(node("srv/copied")));
    assertEquals("ran\n", StepTrees.text(node("opt/tool/out")));
    assertNull(node("tmp/data"));
    assertNull(node("opt/tool/run.sh"));
  }

  @Test
  void tmpIsAnEmptyTmpfsWhenTheTreeHasNothingThere() throws IOException {
    ChangeSet changes = run(StepCommand.shell("echo scratch > /tmp/x && grep -q ' /tmp tmpfs ' /proc/mounts"));
    assertTrue(changes.isEmpty(), changes.changes().toString());
  }

  @Test
  void ownersChownedInsideComeBackAsTheContainerSawThem() throws IOException {
    ChangeSet changes = run(StepCommand.shell("mkdir /home/dev && touch /home/dev/f && chown -R 1000:1000 /home/dev "
        + "&& chown 0:0 /etc/shadow"));
    assertEquals(List.of("/etc/shadow 0640 0:0", "/home/dev 0755 1000:1000", "/home/dev/f 0644 1000:1000"),
        changes.changes().stream().map(c -> c.path() + " " + String.format("%04o", c.node().meta().mode()) + " "
            + c.node().meta().uid() + ":" + c.node().meta().gid()).toList());
  }

  @Test
  void aStepFillingTheDiskIsStopped() throws IOException {
    StepExecutor limited = new StepExecutor(runc, work, spool, EPOCH, output::add,
        new StepLimits(StepLimits.DEFAULT.maxFileSize(), 0, 8L << 20));
    StepFailedException e = assertThrows(StepFailedException.class, () -> limited.run(tree, List.of(),
        StepCommand.shell("while :; do cat /bin/busybox >> /big; done").withTimeout(Duration.ofSeconds(120)),
        new StepLabel(null, 3)));
    assertTrue(e.getMessage().startsWith("run step 3 of the image (while :; do cat /bin/busybox >> /big; done) was "
        + "killed: it wrote more than 8 MiB to disk"), e.getMessage());
    assertTrue(StepTrees.noStepDirectoryLeft(work));
  }

  @Test
  void aFileOverTheSizeLimitFailsTheStep() throws IOException {
    StepExecutor limited = new StepExecutor(runc, work, spool, EPOCH, output::add,
        new StepLimits(1L << 20, 0, Long.MAX_VALUE));
    StepFailedException e = assertThrows(StepFailedException.class, () -> limited.run(tree, List.of(),
        StepCommand.shell("head -c 2000000 /dev/zero > /big"), new StepLabel(null, 1)));
    assertTrue(e.getMessage().contains("failed with exit code"), e.getMessage());
  }

  @Test
  void theSameStepTwiceGivesEqualChangeSets() throws IOException {
    String script = "mkdir -p /srv/a && echo hi > /srv/a/f && ln -s f /srv/a/l && ln /srv/a/f /srv/a/h "
        + "&& touch /srv/a/t && chmod 4755 /srv/a/t && rm /etc/motd";
    List<String> first = run(StepCommand.shell(script)).describe();
    ImageTree again = StepTrees.alpine(spool);
    again.startLayer("steps");
    List<String> second = executor().run(again, List.of(), StepCommand.shell(script), new StepLabel(null, 1))
        .describe();
    assertEquals(first, second);
    assertEquals(List.of("/etc/motd deleted", "/srv/a dir 0755 0:0 " + EPOCH,
        "/srv/a/f file 0644 0:0 " + EPOCH + " sha256:98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4",
        "/srv/a/h file 0644 0:0 " + EPOCH + " sha256:98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4",
        "/srv/a/l symlink 0777 0:0 " + EPOCH + " -> f",
        "/srv/a/t file 4755 0:0 " + EPOCH + " sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        first);
    Node f = node("srv/a/f");
    Node h = node("srv/a/h");
    assertEquals(((Node.RegularFile) f).content(), ((Node.RegularFile) h).content(), "hard links stay linked");
  }
}
