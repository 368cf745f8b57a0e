package dev.sealbuild.builder.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.builder.image.ImageAssembler;
import dev.sealbuild.builder.layercache.LayerCache;
import dev.sealbuild.builder.step.StepLabel;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.oci.ImageConfig;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.RunStep;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code base: {stage: …}}: a scope starts from the stage's finished tree; its layers and cache keys follow. */
class StageBaseBuildTest {
  private static final long EPOCH = 1_700_000_000L;
  @TempDir Path work;
  private int builds;

  private BuildSpec spec(String layers) throws IOException {
    Path dir = Files.createDirectories(work.resolve("project"));
    if (!Files.exists(dir.resolve("a.txt"))) {
      Files.writeString(dir.resolve("a.txt"), "from the base stage\n");
      Files.writeString(dir.resolve("b.txt"), "from the middle stage\n");
      Files.writeString(dir.resolve("c.txt"), "from the image\n");
    }
    Files.writeString(dir.resolve("build.yaml"), """
        name: app
        layers: %s
        base: {stage: middle}
        stages:
          first:
            copy: [{src: a.txt, dest: /a.txt}]
          middle:
            base: {stage: first}
            copy: [{src: b.txt, dest: /b.txt}]
        copy: [{src: c.txt, dest: /c.txt}]
        """.formatted(layers));
    return new SpecReader(Map.of()).read(dir.resolve("build.yaml"));
  }

  private static Lockfile lock(BuildSpec spec) {
    Map<String, Lockfile> stages = new TreeMap<>();
    for (String stage : spec.stages().keySet()) {
      stages.put(stage, new Lockfile(Lockfile.VERSION, SpecDigest.of(spec.stage(stage)), EPOCH, null, List.of()));
    }
    return new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), EPOCH, null, List.of()).withStages(stages);
  }

  private ImageAssembler assembler(List<String> progress, LayerCache layerCache) {
    VendorCacheLayout cache = new VendorCacheLayout(work.resolve("cache"));
    return new ImageAssembler(new CacheReader(cache), DecompressionLimits.DEFAULT, progress::add, layerCache);
  }

  private BuiltImage build(BuildSpec spec, LayerCache layerCache, List<String> progress) throws IOException {
    Files.createDirectories(work.resolve("cache/blobs/sha256"));
    return assembler(progress, layerCache).assemble(spec, lock(spec), work.resolve("project"), EPOCH,
        Files.createDirectories(work.resolve("staging" + builds++)));
  }

  @Test
  void theImageHoldsEveryStageOfTheChainAndItsOwn() throws IOException {
    BuildSpec spec = spec("squash");
    Files.createDirectories(work.resolve("cache/blobs/sha256"));
    try (ImageAssembler.Replayed replayed = assembler(new ArrayList<>(), LayerCache.disabled()).replay(spec, lock(spec),
        work.resolve("project"), EPOCH, Platform.LINUX_AMD64, Files.createDirectories(work.resolve("replay")),
        new ImageAssembler.ReplayObserver() {
          @Override
          public void sourceStarting(String description) {}

          @Override
          public void layerDone(String createdBy) {}

          @Override
          public void written(EntryPath resolved, Node node, Node replaced) {}
        })) {
      ImageTree tree = replayed.tree();
      for (String path : List.of("/a.txt", "/b.txt", "/c.txt")) {
        assertInstanceOf(Node.RegularFile.class, tree.lookup(EntryPath.parse(path)), path);
      }
    }
  }

  @Test
  void layersFollowTheImagesStrategyBaseStagesFirst() throws IOException {
    BuiltImage squashed = build(spec("squash"), LayerCache.disabled(), new ArrayList<>());
    assertEquals(1, squashed.platforms().get(Platform.LINUX_AMD64).image().manifest().layers().size());
    BuiltImage perSource = build(spec("per-source"), LayerCache.disabled(), new ArrayList<>());
    ImageConfig config = perSource.platforms().get(Platform.LINUX_AMD64).image().config();
    assertEquals(3, config.history().size());
    List<String> history = config.history().stream().map(ImageConfig.History::createdBy).toList();
    assertEquals(List.of("a.txt", "b.txt", "c.txt"), history.stream().map(h -> h.replaceAll(".*copy\\[0\\] ([a-z.]+).*", "$1")).toList(),
        history.toString());
  }

  @Test
  void changingTheBaseStageChangesEverythingAboveItsKey() throws IOException {
    List<String> warnings = new ArrayList<>();
    LayerCache cache = LayerCache.in(new VendorCacheLayout(work.resolve("cache")), warnings::add);
    BuiltImage first = build(spec("per-source"), cache, new ArrayList<>());
    List<String> again = new ArrayList<>();
    assertEquals(first.digest(), build(spec("per-source"), cache, again).digest());
    assertEquals(3, again.stream().filter(l -> l.startsWith("reusing layer")).count(), again.toString());
    Files.writeString(work.resolve("project/a.txt"), "changed\n");
    List<String> changed = new ArrayList<>();
    BuiltImage rebuilt = build(spec("per-source"), cache, changed);
    assertNotEquals(first.digest(), rebuilt.digest());
    assertEquals(3, changed.stream().filter(l -> l.startsWith("writing layer")).count(),
        "the first stage's file changed: every layer above it is written again: " + changed);
  }

  @Test
  void aStepSeesTheBaseImagesEnvUnderItsOwnAndItsKeyFollowsIt() throws Exception {
    ImageConfig base = ImageConfig.parse("""
        {"architecture":"amd64","os":"linux","config":{"Env":["PATH=/opt/bin:/bin","JAVA_HOME=/opt/java","SOURCE_DATE_EPOCH=1","MODE=base"]},
         "rootfs":{"type":"layers","diff_ids":[]},"history":[]}
        """.getBytes(StandardCharsets.UTF_8), "base config");
    Map<String, String> env = StepEnvironment.of(base);
    assertEquals(Map.of("PATH", "/opt/bin:/bin", "JAVA_HOME", "/opt/java", "MODE", "base"), env);
    RunStep step = new RunStep(null, List.of("/bin/true"), Map.of("MODE", "step"), null, null, RunStep.DEFAULT_TIMEOUT);
    RunStepSource plain = new RunStepSource(new StepLabel(null, 1), step, List.of(), Platform.LINUX_AMD64, EPOCH, null);
    RunStepSource onBase = new RunStepSource(new StepLabel(null, 1), step, List.of(), Platform.LINUX_AMD64, EPOCH, null, env);
    assertNotEquals(plain.fingerprint(), onBase.fingerprint(), "a base image's Env is part of the step's key");
    String fingerprint = String.valueOf(onBase.fingerprint());
    assertEquals(true, fingerprint.contains("MODE=step") || fingerprint.contains("\"MODE\":\"step\""), fingerprint);
    assertEquals(false, fingerprint.contains("SOURCE_DATE_EPOCH"), fingerprint);
    assertNull(ImageConfig.parse("""
        {"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]},"history":[]}
        """.getBytes(StandardCharsets.UTF_8), "bare").config().get("Env"));
  }
}
