package dev.sealbuild.builder.image;

import dev.sealbuild.builder.accounts.AccountsSource;
import dev.sealbuild.builder.apk.ApkPackagesSource;
import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.formats.compress.XzCommand;
import dev.sealbuild.formats.compress.write.LayerCompressor;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.LayerTree;
import dev.sealbuild.builder.deb.DebianPackagesSource;
import dev.sealbuild.builder.layer.LayerBlob;
import dev.sealbuild.builder.layer.LayerWriter;
import dev.sealbuild.builder.layercache.LayerCache;
import dev.sealbuild.builder.layercache.LayerCacheEntry;
import dev.sealbuild.builder.source.BuildOnlyPackagesSource;
import dev.sealbuild.builder.source.Fingerprints;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.builder.source.BuildContext;
import dev.sealbuild.builder.source.LocalFileDigests;
import dev.sealbuild.builder.source.LayerSource;
import dev.sealbuild.builder.source.LocalCopySource;
import dev.sealbuild.builder.source.RemoteFileSource;
import dev.sealbuild.builder.source.RootfsLayerSource;
import dev.sealbuild.builder.stage.RunStepSource;
import dev.sealbuild.builder.stage.StageCopySource;
import dev.sealbuild.builder.stage.StageLayerCache;
import dev.sealbuild.builder.stage.StageResult;
import dev.sealbuild.builder.stage.StepCache;
import dev.sealbuild.builder.stage.StepEnvironment;
import dev.sealbuild.builder.stage.StepSettings;
import dev.sealbuild.builder.step.StepLabel;
import dev.sealbuild.lockfiles.spec.CopyEntry;
import dev.sealbuild.lockfiles.spec.FileEntry;
import dev.sealbuild.lockfiles.spec.RunStep;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.ImageConfig;
import dev.sealbuild.formats.oci.Index;
import dev.sealbuild.formats.oci.Manifest;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.lockfiles.lock.LockException;
import dev.sealbuild.lockfiles.lock.LockStatus;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.RemovedPackage;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.StageBases;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.LayerStrategy;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.formats.oci.PlatformImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The offline image pipeline, in named steps: check the lock against the spec, check every input is in the
 * cache, lay down the base, add the declared content, write layers, then a config and manifest per platform
 * (and an index over them). Reads only the spec, the lock, local copy sources and the cache.
 */
public final class ImageAssembler {
  private static final long MAX_IMAGE_ENTRIES = 500_000;
  private final CacheReader cache;
  private final DecompressionLimits limits;
  private final Consumer<String> progress;
  private final LayerCache layerCache;
  private final StepSettings steps;
  /** The host's xz for decoding packages and archives, or null for xz-java: the same bytes either way. */
  private final XzCommand xz;
  private final LocalFileDigests localFiles;
  /** Fingerprints computed for the step cache's chain, per source of the current build. */
  private final Map<LayerSource, Object> fingerprints = new IdentityHashMap<>();

  public ImageAssembler(CacheReader cache, DecompressionLimits limits, Consumer<String> progress) {
    this(cache, limits, progress, LayerCache.disabled());
  }

  /** With a layer cache: added layers whose key is cached are reused, the others are written and stored. */
  public ImageAssembler(CacheReader cache, DecompressionLimits limits, Consumer<String> progress, LayerCache layerCache) {
    this(cache, limits, progress, layerCache, StepSettings.defaults(progress));
  }

  /** With where and how {@code run:} steps run (the runtime, and where their output goes). */
  public ImageAssembler(CacheReader cache, DecompressionLimits limits, Consumer<String> progress, LayerCache layerCache,
      StepSettings steps) {
    this(cache, limits, progress, layerCache, steps, null);
  }

  /** With the host's {@code xz} to decode xz streams (null: xz-java). */
  public ImageAssembler(CacheReader cache, DecompressionLimits limits, Consumer<String> progress, LayerCache layerCache,
      StepSettings steps, XzCommand xz) {
    this(cache, limits, progress, layerCache, steps, xz, new LocalFileDigests());
  }

  /** With the digests of local files the build's other parts (its image record, its SBOM) read too. */
  public ImageAssembler(CacheReader cache, DecompressionLimits limits, Consumer<String> progress, LayerCache layerCache,
      StepSettings steps, XzCommand xz, LocalFileDigests localFiles) {
    this.xz = xz;
    this.localFiles = localFiles;
    this.cache = cache;
    this.limits = limits;
    this.progress = progress;
    this.layerCache = layerCache;
    this.steps = steps;
  }

  /** Assembles into {@code stagingDir}, which must be empty; blobs land in {@code stagingDir/blobs/sha256}. */
  public BuiltImage assemble(BuildSpec spec, Lockfile lock, Path specDir, long epoch, Path stagingDir) throws IOException {
    fingerprints.clear();
    checkLock(spec, lock);
    Path blobs = Files.createDirectories(stagingDir.resolve("blobs").resolve("sha256"));
    try (ContentSpool spool = new ContentSpool(stagingDir)) {
      BuildContext context = new BuildContext(cache, spool, epoch, limits, specDir, new Decompressors(limits, xz), localFiles);
      checkCached(spec, lock);
      Map<Platform, PlatformLayers> layersByPlatform = new LinkedHashMap<>();
      for (Platform platform : spec.platforms()) {
        if (spec.platforms().size() > 1) {
          progress.accept("platform " + platform);
        }
        LayerWriter writer = layerWriter(spec, context);
        Plan plan = plan(Scope.image(spec, lock), context, platform, new Stages(spec, lock, context, platform, stagingDir));
        PlatformLayers layers = layerCache.enabled()
            ? new CachedLayers(plan, context, blobs, stagingDir, writer).build()
            : buildLayers(plan, context, blobs, writing(writer, stagingDir));
        for (LayerBlob layer : layers.added()) {
          Path target = blobs.resolve(layer.digest().hex());
          if (layer.file() == null) {
            continue;
          }
          if (Files.exists(target)) {
            Files.delete(layer.file());
          } else {
            Files.move(layer.file(), target);
          }
        }
        layersByPlatform.put(platform, layers);
      }
      return describe(spec, lock, epoch, stagingDir, layersByPlatform);
    }
  }

  /**
   * One platform's layers: a base image's layers as they are ({@code base}, with its config), then the added ones
   * ({@code added}): a base rootfs, then packages, pinned files and local copies, squashed into one layer or one
   * layer per source.
   */
  private record PlatformLayers(ImageConfig baseConfig, List<LayerBlob> base, List<LayerBlob> added) {
    List<LayerBlob> all() {
      List<LayerBlob> all = new ArrayList<>(base);
      all.addAll(added);
      return all;
    }
  }

  /** What the pipeline tells whoever runs it: the tree it builds, each source as it starts, each finished layer. */
  private interface Steps {
    default void treeCreated(ImageTree tree) {}

    default void sourceStarting(String description) {}

    /** The layer for group {@code index} of the plan is complete in {@code layer}. */
    LayerBlob layerDone(ImageTree tree, LayerTree layer, int index, String createdBy) throws IOException;

    /** Optional group {@code index} of the plan added nothing: it makes no layer. */
    default void layerEmpty(int index) {}
  }

  private static LayerWriter layerWriter(BuildSpec spec, BuildContext context) {
    return new LayerWriter(context.epoch(),
        LayerCompressor.of(spec.compression().compression(), LayerCompressor.defaultThreads()));
  }

  private Steps writing(LayerWriter writer, Path stagingDir) {
    return (tree, layer, index, createdBy) -> writeLayer(writer, tree, layer, stagingDir, createdBy);
  }

  /** Watches a replayed build: which source writes what, and where each added layer ends. */
  public interface ReplayObserver extends ImageTree.WriteListener {
    void sourceStarting(String description);

    void layerDone(String createdBy);
  }

  /**
   * Runs one platform's build as {@link #assemble} would, without writing any layer: the tree it returns holds the
   * base image's layers and then the added ones, and {@code observer} sees every write and which source made it.
   * The tree's file contents live in {@code workDir} until the caller deletes it.
   */
  public Replayed replay(BuildSpec spec, Lockfile lock, Path specDir, long epoch, Platform platform, Path workDir,
      ReplayObserver observer) throws IOException {
    fingerprints.clear();
    checkLock(spec, lock);
    checkCached(spec, lock);
    ContentSpool spool = new ContentSpool(workDir);
    try {
      return new Replayed(replayInto(spool, spec, lock, specDir, epoch, platform, observer), spool);
    } catch (IOException | RuntimeException e) {
      spool.close();
      throw e;
    }
  }

  /** A replayed tree and the spool holding its file contents (closed with it). */
  public record Replayed(ImageTree tree, ContentSpool spool) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      spool.close();
    }
  }

  private ImageTree replayInto(ContentSpool spool, BuildSpec spec, Lockfile lock, Path specDir, long epoch, Platform platform,
      ReplayObserver observer) throws IOException {
    BuildContext context = new BuildContext(cache, spool, epoch, limits, specDir, new Decompressors(limits, xz), localFiles);
    ImageTree[] built = new ImageTree[1];
    Plan plan = plan(Scope.image(spec, lock), context, platform, new Stages(spec, lock, context, platform, spool.directory()));
    buildLayers(plan, context, null, new Steps() {
      @Override
      public void treeCreated(ImageTree tree) {
        built[0] = tree;
        tree.listen(observer);
      }

      @Override
      public void sourceStarting(String description) {
        observer.sourceStarting(description);
      }

      @Override
      public LayerBlob layerDone(ImageTree tree, LayerTree layer, int index, String createdBy) {
        observer.layerDone(createdBy);
        return null;
      }
    });
    return built[0];
  }

  /**
   * What one platform's build does, decided before any layer is built: the base image (or null), then the added
   * layers as groups of sources, each group one layer ({@code startsLayer}: a fresh tree layer follows it).
   */
  private record Plan(BaseImageLayers baseImage, String treeName, List<Group> groups, String scope, StepCache stepCache,
      StageLayerCache stageLayers) {
    boolean runsSteps() {
      return groups.stream().anyMatch(g -> g.sources().stream().anyMatch(s -> s instanceof RunStepSource));
    }

    /** What the tree is before the first source: the base image, or nothing. */
    Sha256 start() {
      return baseImage != null ? baseImage.key() : Sha256.hash(CanonicalJson.compact(Map.of("tree", "scratch")));
    }
  }

  /** What one plan builds: the image itself ({@code stage} null) or one named stage, with its view of spec and lock. */
  private record Scope(BuildSpec spec, Lockfile lock, String stage) {
    static Scope image(BuildSpec spec, Lockfile lock) {
      return new Scope(spec, lock, null);
    }

    String prefix() {
      return stage == null ? "" : "stage " + stage + ": ";
    }
  }

  /** {@code optional}: when its sources add nothing, the group makes no layer. */
  private record Group(List<LayerSource> sources, String createdBy, boolean startsLayer, boolean announce,
      boolean optional) {}

  /**
   * What a scope starts from and adds: the base image (or null) and base rootfs (or null) its chain of stage bases ends
   * in, then every source of the stages along that chain, then its own. A scope on {@code base: {stage: x}} thus
   * builds x's sources again over x's base (their step and stage caches keyed as when x was built on its own).
   */
  private record Inputs(BaseImageLayers image, RootfsLayerSource rootfs, List<LayerSource> added) {}

  private Inputs inputs(Scope scope, BuildContext context, Platform platform, Stages stages, StepCache stepCache)
      throws IOException {
    BuildSpec spec = scope.spec();
    Lockfile lock = scope.lock();
    Inputs below;
    if (spec.base().isStage()) {
      below = inputs(stages.scope(spec.base().stage()), context, platform, stages, stepCache);
    } else {
      BaseImageLayers image = null;
      if (lock.baseImage() != null) {
        image = new BaseImageLayers(lock.baseImage(), lock.baseImage().platform(platform)
            .orElseThrow(() -> new LockException("the lock pins base image " + lock.baseImage().reference() + " without platform "
                + platform + "; run build lock")), context);
      }
      below = new Inputs(image, lock.rootfs() == null ? null : new RootfsLayerSource(lock.rootfs(), context), List.of());
    }
    List<LayerSource> added = new ArrayList<>(below.added());
    // The world as the lock records it (locks written before it was recorded: the spec's packages, the same text)
    List<String> world = lock.worldList().isEmpty() ? spec.packages() : lock.worldList();
    added.addAll(packageSources(spec, lock.installedPackages(), world, false, lock, context, platform));
    List<LayerSource> buildOnly = packageSources(spec, lock.buildOnlyPackages(), spec.buildPackages(), true, lock, context,
        platform).stream().<LayerSource>map(BuildOnlyPackagesSource::new).toList();
    if (!spec.accounts().users().isEmpty() || !spec.accounts().groups().isEmpty()) {
      added.add(new AccountsSource(spec.accounts(), context.spool(), context.epoch()));
    }
    Map<String, String> baseEnv = below.image() == null ? Map.of() : StepEnvironment.of(below.image().config());
    added.addAll(addedSources(scope, context, platform, stages, stepCache, baseEnv, buildOnly));
    return new Inputs(below.image(), below.rootfs(), added);
  }

  private Plan plan(Scope scope, BuildContext context, Platform platform, Stages stages) throws IOException {
    BuildSpec spec = scope.spec();
    StepCache stepCache = new StepCache(layerCache, layerWriter(spec, context), context.spool(), stages.workDir(),
        context.epoch(), limits, progress);
    Inputs inputs = inputs(scope, context, platform, stages, stepCache);
    RootfsLayerSource base = inputs.rootfs();
    List<LayerSource> added = inputs.added();
    BaseImageLayers image = inputs.image();
    List<Group> groups = new ArrayList<>();
    if (base != null) {
      groups.add(new Group(List.of(base), "sealbuild: " + base.describe(), true, false, false));
    }
    if (spec.layers() == LayerStrategy.PER_SOURCE) {
      for (LayerSource source : added) {
        groups.add(new Group(List.of(source), "sealbuild: " + source.describe(), true, true, false));
      }
    } else if (!added.isEmpty()) {
      groups.add(new Group(added, "sealbuild: " + String.join(", ", added.stream().map(LayerSource::describe).toList()),
          false, true, false));
    }
    String workdir = scope.stage() == null ? spec.config().workdir() : null;
    if (workdir != null) {
      // Created in the last added layer, unless a layer below provides it (then nothing changes). Its createdBy
      // stays that of the layer's other sources. With no added layer it gets one of its own, dropped when empty.
      WorkdirSource source = new WorkdirSource(workdir, context.epoch());
      if (groups.isEmpty()) {
        groups.add(new Group(List.of(source), "sealbuild: " + source.describe(), false, true, image != null));
      } else {
        Group last = groups.remove(groups.size() - 1);
        List<LayerSource> sources = new ArrayList<>(last.sources());
        sources.add(source);
        groups.add(new Group(sources, last.createdBy(), last.startsLayer(), last.announce(), false));
      }
    }
    if (groups.isEmpty() && image == null) {
      // Many runtimes refuse an image without layers; an empty layer costs 32 bytes.
      groups.add(new Group(List.of(), "sealbuild: empty", false, true, false));
    }
    StageLayerCache stageLayers = scope.stage() != null && layerCache.enabled()
        ? new StageLayerCache(layerCache, context.spool(), stages.workDir(), context.epoch(), limits, progress) : null;
    return new Plan(image, base != null ? base.describe() : "sealbuild", groups, scope.prefix(), stepCache, stageLayers);
  }

  private PlatformLayers buildLayers(Plan plan, BuildContext context, Path blobs, Steps steps) throws IOException {
    List<LayerBlob> layers = new ArrayList<>();
    ImageTree tree = new ImageTree(plan.treeName(), context.epoch(), MAX_IMAGE_ENTRIES);
    steps.treeCreated(tree);
    ImageConfig baseConfig = null;
    List<LayerBlob> baseLayers = List.of();
    if (plan.baseImage() != null) {
      BaseImageLayers image = plan.baseImage();
      progress.accept("reading " + image.describe());
      steps.sourceStarting(image.describe());
      baseConfig = image.config();
      baseLayers = image.addTo(tree, baseConfig, blobs);
    }
    Sha256 chain = layerCache.enabled() && (plan.runsSteps() || plan.stageLayers() != null) ? plan.start() : null;
    for (int i = 0; i < plan.groups().size(); i++) {
      Group group = plan.groups().get(i);
      for (LayerSource source : group.sources()) {
        steps.sourceStarting(source.describe());
        if (chain != null) {
          if (source instanceof RunStepSource step) {
            step.cacheUnder(plan.stepCache(), chain);
          }
          chain = chained(chain, source);
        }
        if (plan.stageLayers() != null && !(source instanceof RunStepSource || source instanceof RootfsLayerSource
            || source instanceof StageCopySource)) {
          // A stage's tree is never written as layers: each such source gets a layer of its own, kept for reuse.
          tree.startLayer(source.describe());
          if (!plan.stageLayers().reuse(chain, tree, plan.scope() + source.describe())) {
            progress.accept(plan.scope() + "adding " + source.describe());
            source.addTo(tree);
            plan.stageLayers().store(chain, tree, plan.scope() + source.describe());
          }
          continue;
        }
        if (!(source instanceof WorkdirSource)) {
          progress.accept(plan.scope() + (group.announce() ? "adding " : "reading ") + source.describe());
        }
        source.addTo(tree);
      }
      if (group.optional() && tree.currentLayer().entries().isEmpty()) {
        steps.layerEmpty(i);
        continue;
      }
      layers.add(steps.layerDone(tree, tree.currentLayer(), i, group.createdBy()));
      if (group.startsLayer()) {
        tree.startLayer("added");
      }
    }
    return new PlatformLayers(baseConfig, baseLayers, layers);
  }

  /**
   * One platform's layers through the layer cache. Each group's key is the sha256 of the canonical JSON of the layer
   * writer's identity, the epoch, the key before it (the base image's, or the previous group's: the chain) and its
   * sources' fingerprints. The leading run of hits is copied from the cache (verified while copied); when everything
   * hits, no input is read. From the first miss on, the tree is built from the inputs: groups before the miss are
   * applied without being written (their cached layers stand), the rest are written and stored.
   */
  private final class CachedLayers {
    private final Plan plan;
    private final BuildContext context;
    private final Path blobs;
    private final Path stagingDir;
    private final LayerWriter writer;

    CachedLayers(Plan plan, BuildContext context, Path blobs, Path stagingDir, LayerWriter writer) {
      this.plan = plan;
      this.context = context;
      this.blobs = blobs;
      this.stagingDir = stagingDir;
      this.writer = writer;
    }

    PlatformLayers build() throws IOException {
      List<Sha256> keys = keys();
      List<LayerBlob> hits = new ArrayList<>();
      int firstMiss = 0;
      for (int i = 0; i < keys.size(); i++) {
        Group group = plan.groups().get(i);
        if (group.optional() && layerCache.fact(emptyKey(keys.get(i))).isPresent()) {
          hits.add(null);
        } else {
          LayerBlob hit = reuse(keys.get(i), group.createdBy());
          if (hit == null) {
            break;
          }
          hits.add(hit);
        }
        firstMiss++;
      }
      if (firstMiss == keys.size()) {
        PlatformLayers reused = reuseAll(hits.stream().filter(java.util.Objects::nonNull).toList());
        if (reused != null) {
          return reused;
        }
      }
      int missing = firstMiss;
      PlatformLayers built = buildLayers(plan, context, blobs, new Steps() {
        @Override
        public LayerBlob layerDone(ImageTree tree, LayerTree layer, int index, String createdBy) throws IOException {
          if (index < missing && hits.get(index) != null) {
            return hits.get(index);
          }
          LayerBlob written = writeLayer(writer, tree, layer, stagingDir, createdBy);
          if (unchangedWhileWritten(index, keys)) {
            layerCache.store(keys.get(index), written, layer.entries().size());
          } else {
            progress.accept("not caching the layer of " + createdBy + ": a local file changed while it was written");
          }
          return written;
        }

        @Override
        public void layerEmpty(int index) {
          layerCache.putFact(emptyKey(keys.get(index)), CanonicalJson.mapper().valueToTree(true));
        }
      });
      if (plan.baseImage() != null) {
        layerCache.putFact(baseSizesKey(), CanonicalJson.mapper().valueToTree(
            built.base().stream().map(LayerBlob::uncompressedSize).toList()));
      }
      return built;
    }

    /** Everything hit: the base image's layers are copied as they are, their tar sizes taken from the cache. */
    private PlatformLayers reuseAll(List<LayerBlob> hits) throws IOException {
      if (plan.baseImage() == null) {
        return new PlatformLayers(null, List.of(), hits);
      }
      var sizes = layerCache.fact(baseSizesKey());
      if (sizes.isEmpty() || !sizes.get().isArray()) {
        return null;
      }
      List<Long> uncompressed = new ArrayList<>();
      sizes.get().forEach(n -> uncompressed.add(n.asLong()));
      BaseImageLayers image = plan.baseImage();
      progress.accept("reusing " + image.describe());
      ImageConfig config = image.config();
      List<LayerBlob> base = image.copyTo(config, blobs, uncompressed);
      return base == null ? null : new PlatformLayers(config, base, hits);
    }

    private LayerBlob reuse(Sha256 key, String createdBy) throws IOException {
      var entry = layerCache.lookup(key);
      if (entry.isEmpty()) {
        return null;
      }
      LayerCacheEntry e = entry.get();
      Path file = null;
      if (!Files.exists(blobs.resolve(e.digest().hex()))) {
        file = Files.createTempFile(stagingDir, "cached", ".layer");
        if (!layerCache.copyTo(key, e, file)) {
          return null;
        }
      }
      progress.accept("reusing layer (" + e.entries() + " entries, cached): " + createdBy);
      return new LayerBlob(file, e.digest(), e.size(), e.diffId(), e.uncompressedSize(), e.mediaType(), createdBy);
    }

    private List<Sha256> keys() throws IOException {
      List<Sha256> keys = new ArrayList<>();
      Sha256 parent = plan.baseImage() == null ? null : plan.baseImage().key();
      for (Group group : plan.groups()) {
        parent = key(group, parent);
        keys.add(parent);
      }
      return keys;
    }

    private Sha256 key(Group group, Sha256 parent) throws IOException {
      List<Object> sources = new ArrayList<>();
      for (LayerSource source : group.sources()) {
        sources.add(source.fingerprint());
      }
      Map<String, Object> key = new LinkedHashMap<>();
      key.put("writer", writer.identity());
      key.put("epoch", context.epoch());
      key.put("parent", parent == null ? null : parent.toString());
      key.put("sources", sources);
      return Sha256.hash(CanonicalJson.compact(key));
    }

    /**
     * Local files are hashed for the key and read again for the layer: one edited in between would store a layer
     * under a key it does not match. Hashing them once more after the write closes that window.
     */
    private boolean unchangedWhileWritten(int index, List<Sha256> keys) throws IOException {
      Group group = plan.groups().get(index);
      if (group.sources().stream().noneMatch(s -> s instanceof LocalCopySource)) {
        return true;
      }
      Sha256 parent = index > 0 ? keys.get(index - 1) : plan.baseImage() == null ? null : plan.baseImage().key();
      return key(group, parent).equals(keys.get(index));
    }

    /** The fact that optional group {@code key} added nothing over the tree before it (it makes no layer). */
    private Sha256 emptyKey(Sha256 key) {
      return Sha256.hash(CanonicalJson.compact(Map.of("fact", "empty-layer", "key", key.toString())));
    }

    private Sha256 baseSizesKey() {
      return Sha256.hash(CanonicalJson.compact(Map.of("fact", "base-layer-tar-sizes", "base", plan.baseImage().key().toString())));
    }
  }

  /**
   * The sources installing {@code packages}, {@code world} what the spec asked for; {@code buildOnly}: the scope's
   * build-only packages, one source of their files only (the package database stays as it is).
   */
  private List<LayerSource> packageSources(BuildSpec spec, List<LockedPackage> packages, List<String> world,
      boolean buildOnly, Lockfile lock, BuildContext context, Platform platform) throws IOException {
    List<LockedPackage> mine = packages.stream().filter(p -> p.platforms().contains(platform)).toList();
    // Base packages the lock removes (Alpine) go with the image's own packages, even when nothing is installed.
    List<RemovedPackage> removed = buildOnly ? List.of()
        : lock.removedList().stream().filter(r -> r.platforms().contains(platform)).toList();
    if (mine.isEmpty() && removed.isEmpty()) {
      return List.of();
    }
    if (mine.isEmpty() || "apk".equals(mine.get(0).type())) {
      List<String> urls = spec.repositories().stream()
          .map(r -> r.url() == null ? null : (r.tag() == null ? "" : "@" + r.tag() + " ") + r.url())
          .filter(java.util.Objects::nonNull).toList();
      ApkPackagesSource apk = new ApkPackagesSource(mine, lock.repositoryList(), urls, world,
          mine.isEmpty() ? null : mine.get(0).architecture(), context, removed);
      return List.of(buildOnly ? apk.filesOnly() : apk);
    }
    if (!"deb".equals(mine.get(0).type())) {
      throw new LockException("packages of type " + mine.get(0).type() + " cannot be installed by this sealbuild");
    }
    DebianPackagesSource all = new DebianPackagesSource(mine, context);
    if (buildOnly) {
      return List.of(all.filesOnly());
    }
    return spec.layers() == LayerStrategy.PER_SOURCE ? perPackage(all, mine, context) : List.of(all);
  }

  /**
   * One source per package in install order. The order comes from the packages' control files; with a layer cache
   * it is remembered by the packages' lock entries, so a rebuild need not open any package to learn it.
   */
  private List<LayerSource> perPackage(DebianPackagesSource all, List<LockedPackage> mine, BuildContext context)
      throws IOException {
    Sha256 key = Sha256.hash(CanonicalJson.compact(Map.of("fact", "deb-install-order",
        "packages", Fingerprints.lockedPackages(mine.stream().sorted().toList()))));
    Map<String, LockedPackage> byName = new LinkedHashMap<>();
    mine.forEach(p -> byName.put(p.name(), p));
    var remembered = layerCache.fact(key);
    if (remembered.isPresent() && remembered.get().isArray() && remembered.get().size() == byName.size()) {
      List<LayerSource> sources = new ArrayList<>();
      for (var name : remembered.get()) {
        LockedPackage p = byName.get(name.asText());
        if (p == null) {
          break;
        }
        sources.add(new DebianPackagesSource(List.of(p), context));
      }
      if (sources.size() == byName.size()) {
        return sources;
      }
    }
    List<DebianPackagesSource> ordered = all.perPackage();
    layerCache.putFact(key, CanonicalJson.mapper().valueToTree(ordered.stream().map(s -> s.packages().get(0).name()).toList()));
    return List.copyOf(ordered);
  }

  private LayerBlob writeLayer(LayerWriter writer, ImageTree tree, LayerTree layer, Path stagingDir, String createdBy)
      throws IOException {
    progress.accept("writing layer (" + layer.entries().size() + " entries): " + createdBy);
    Path tmp = Files.createTempFile(stagingDir, "layer", ".tar");
    return writer.write(layer, tree, tmp, createdBy);
  }

  private static void checkLock(BuildSpec spec, Lockfile lock) {
    LockStatus status = LockStatus.check(spec, lock);
    if (!status.upToDate()) {
      throw new LockException("build.lock.json is stale: " + status.problems().get(0)
          + (status.problems().size() > 1 ? " (and " + (status.problems().size() - 1) + " more)" : "")
          + "; run build lock, then build prep");
    }
  }

  /**
   * Pinned files and copies, then the scope's {@code run:} steps. Build-only packages, temporary files and copies are
   * not sources of the tree: each step lays them over the tree while it runs, and no layer holds them.
   */
  private static List<LayerSource> addedSources(Scope scope, BuildContext context, Platform platform, Stages stages,
      StepCache stepCache, Map<String, String> baseEnv, List<LayerSource> buildOnlyPackages) {
    BuildSpec spec = scope.spec();
    List<LayerSource> sources = new ArrayList<>();
    List<LayerSource> temporaries = new ArrayList<>(buildOnlyPackages);
    for (int i = 0; i < spec.files().size(); i++) {
      FileEntry entry = spec.files().get(i);
      LockedFile locked = scope.lock().file(entry.url().toString())
          .orElseThrow(() -> new LockException("lock does not pin " + entry.url() + "; run build lock"));
      (entry.temporary() ? temporaries : sources).add(new RemoteFileSource(i, entry, locked, context));
    }
    for (int i = 0; i < spec.copy().size(); i++) {
      CopyEntry entry = spec.copy().get(i);
      LayerSource source = entry.from() == null ? new LocalCopySource(i, entry, context)
          : new StageCopySource(i, entry, stages.get(entry.from()), context.epoch(), stepCache);
      (entry.temporary() ? temporaries : sources).add(source);
    }
    List<RunStep> run = spec.run();
    for (int i = 0; i < run.size(); i++) {
      sources.add(new RunStepSource(new StepLabel(scope.stage(), i + 1), run.get(i), temporaries, platform, context.epoch(),
          stages.runner(), baseEnv));
    }
    return sources;
  }

  /** The step cache's key of the tree after {@code source}: the key before it, chained with its fingerprint. */
  private Sha256 chained(Sha256 before, LayerSource source) throws IOException {
    Object fingerprint = fingerprints.get(source);
    if (fingerprint == null) {
      fingerprint = source.fingerprint();
      fingerprints.put(source, fingerprint);
    }
    return Sha256.hash(CanonicalJson.compact(Map.of("before", before.toString(), "source", fingerprint)));
  }

  /**
   * The named stages of one platform's build, each built at most once and only when a {@code from:} copy reads it.
   * A stage's key chains its base and its sources' fingerprints, so it is known without building the stage.
   */
  private final class Stages {
    private final BuildSpec spec;
    private final Lockfile lock;
    private final BuildContext context;
    private final Platform platform;
    private final Path workDir;
    private final Map<String, Stage> built = new HashMap<>();

    Stages(BuildSpec spec, Lockfile lock, BuildContext context, Platform platform, Path workDir) {
      this.spec = spec;
      this.lock = lock;
      this.context = context;
      this.platform = platform;
      this.workDir = workDir;
    }

    Path workDir() {
      return workDir;
    }

    RunStepSource.StepRunner runner() {
      return steps.runner(workDir, context.spool(), context.epoch());
    }

    StageResult get(String name) {
      return built.computeIfAbsent(name, Stage::new);
    }

    /** Stage {@code name} with its view of the spec and its lock. */
    Scope scope(String name) {
      return new Scope(spec.stage(name), lock.stage(name), name);
    }

    private final class Stage implements StageResult {
      private final String name;
      private Plan plan;
      private Sha256 key;
      private ImageTree tree;

      Stage(String name) {
        this.name = name;
      }

      @Override
      public String name() {
        return name;
      }

      private Plan plan() throws IOException {
        if (plan == null) {
          plan = ImageAssembler.this.plan(scope(name), context, platform, Stages.this);
        }
        return plan;
      }

      @Override
      public Sha256 key() throws IOException {
        if (key == null) {
          Sha256 chain = plan().start();
          for (Group group : plan().groups()) {
            for (LayerSource source : group.sources()) {
              chain = chained(chain, source);
            }
          }
          key = chain;
        }
        return key;
      }

      @Override
      public ImageTree tree() throws IOException {
        if (tree == null) {
          progress.accept("building stage " + name + (spec.platforms().size() > 1 ? " for " + platform : ""));
          ImageTree[] made = new ImageTree[1];
          buildLayers(plan(), context, null, new Steps() {
            @Override
            public void treeCreated(ImageTree created) {
              made[0] = created;
            }

            @Override
            public LayerBlob layerDone(ImageTree t, LayerTree layer, int index, String createdBy) {
              return null;
            }
          });
          tree = made[0];
        }
        return tree;
      }
    }
  }

  private void checkCached(BuildSpec spec, Lockfile lock) {
    for (CachedInputs.Required input : CachedInputs.of(spec, lock)) {
      cache.requirePresent(input.digest(), input.label());
    }
  }

  private BuiltImage describe(BuildSpec spec, Lockfile lock, long epoch, Path stagingDir,
      Map<Platform, PlatformLayers> layersByPlatform) throws IOException {
    Set<Sha256> blobs = new LinkedHashSet<>();
    Map<Platform, BuiltImage.BuiltPlatform> platforms = new LinkedHashMap<>();
    for (Platform platform : spec.platforms()) {
      PlatformLayers platformLayers = layersByPlatform.get(platform);
      List<LayerBlob> layers = platformLayers.all();
      List<Sha256> diffIds = layers.stream().map(LayerBlob::diffId).toList();
      List<String> history = platformLayers.added().stream().map(LayerBlob::createdBy).toList();
      List<Descriptor> layerDescriptors = layers.stream().map(l -> Descriptor.of(l.mediaType(), l.digest(), l.size())).toList();
      layers.forEach(l -> blobs.add(l.digest()));
      ImageConfig imageConfig = ImageConfigDocument.build(spec.config(), platformLayers.baseConfig(), platform, diffIds, history, epoch);
      Descriptor config = writeBlob(stagingDir, MediaType.OCI_CONFIG, imageConfig.toBytes());
      // OCI's pre-defined annotations for "the image this one is built on"; registries use them to mount blobs.
      Lockfile root = StageBases.rootLock(spec, lock, spec.base(), lock);
      Map<String, String> annotations = root.baseImage() == null ? Map.of() : Map.of(
          PlatformImage.BASE_NAME, root.baseImage().reference(),
          PlatformImage.BASE_DIGEST, root.baseImage().platform(platform).orElseThrow().manifest().digest().toString());
      Manifest manifest = Manifest.image(config, layerDescriptors, annotations);
      Descriptor manifestDescriptor = writeBlob(stagingDir, MediaType.OCI_MANIFEST, manifest.toBytes()).withPlatform(platform);
      blobs.add(config.digest());
      blobs.add(manifestDescriptor.digest());
      platforms.put(platform, new BuiltImage.BuiltPlatform(new PlatformImage(platform, manifestDescriptor, manifest, imageConfig),
          layers.stream().map(LayerBlob::uncompressedSize).toList()));
    }
    Descriptor root;
    if (platforms.size() == 1) {
      root = platforms.values().iterator().next().image().descriptor();
    } else {
      Index index = Index.of(platforms.values().stream().map(p -> p.image().descriptor()).toList());
      root = writeBlob(stagingDir, MediaType.OCI_INDEX, index.toBytes());
      blobs.add(root.digest());
    }
    return new BuiltImage(stagingDir, root, platforms, List.copyOf(blobs));
  }

  private static Descriptor writeBlob(Path stagingDir, MediaType mediaType, byte[] bytes) throws IOException {
    Sha256 digest = Sha256.hash(bytes);
    Files.write(stagingDir.resolve("blobs").resolve("sha256").resolve(digest.hex()), bytes);
    return Descriptor.of(mediaType, digest, bytes.length);
  }
}
