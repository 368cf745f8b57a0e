package dev.sealbuild.builder.image;

import dev.sealbuild.builder.accounts.AccountsSource;
import dev.sealbuild.builder.apk.ApkPackagesSource;
import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.compress.write.LayerCompressor;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.LayerTree;
import dev.sealbuild.builder.deb.DebianPackagesSource;
import dev.sealbuild.builder.layer.LayerBlob;
import dev.sealbuild.builder.layer.LayerWriter;
import dev.sealbuild.builder.source.BuildContext;
import dev.sealbuild.builder.source.LayerSource;
import dev.sealbuild.builder.source.LocalCopySource;
import dev.sealbuild.builder.source.RemoteFileSource;
import dev.sealbuild.builder.source.RootfsLayerSource;
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
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.LayerStrategy;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.formats.oci.PlatformImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  public ImageAssembler(CacheReader cache, DecompressionLimits limits, Consumer<String> progress) {
    this.cache = cache;
    this.limits = limits;
    this.progress = progress;
  }

  /** Assembles into {@code stagingDir}, which must be empty; blobs land in {@code stagingDir/blobs/sha256}. */
  public BuiltImage assemble(BuildSpec spec, Lockfile lock, Path specDir, long epoch, Path stagingDir) throws IOException {
    checkLock(spec, lock);
    Path blobs = Files.createDirectories(stagingDir.resolve("blobs").resolve("sha256"));
    try (ContentSpool spool = new ContentSpool(stagingDir)) {
      BuildContext context = new BuildContext(cache, spool, epoch, limits, specDir);
      checkCached(spec, lock);
      Map<Platform, PlatformLayers> layersByPlatform = new LinkedHashMap<>();
      for (Platform platform : spec.platforms()) {
        if (spec.platforms().size() > 1) {
          progress.accept("platform " + platform);
        }
        PlatformLayers layers = buildLayers(spec, lock, context, platform, blobs, writing(spec, context, stagingDir));
        for (LayerBlob layer : layers.added()) {
          Path target = blobs.resolve(layer.digest().hex());
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

    LayerBlob layerDone(ImageTree tree, LayerTree layer, String createdBy) throws IOException;
  }

  private Steps writing(BuildSpec spec, BuildContext context, Path stagingDir) {
    LayerWriter writer = new LayerWriter(context.epoch(),
        LayerCompressor.of(spec.compression().compression(), LayerCompressor.defaultThreads()));
    return (tree, layer, createdBy) -> writeLayer(writer, tree, layer, stagingDir, createdBy);
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
    BuildContext context = new BuildContext(cache, spool, epoch, limits, specDir);
    ImageTree[] built = new ImageTree[1];
    buildLayers(spec, lock, context, platform, null, new Steps() {
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
      public LayerBlob layerDone(ImageTree tree, LayerTree layer, String createdBy) {
        observer.layerDone(createdBy);
        return null;
      }
    });
    return built[0];
  }

  private PlatformLayers buildLayers(BuildSpec spec, Lockfile lock, BuildContext context, Platform platform, Path blobs,
      Steps steps) throws IOException {
    RootfsLayerSource base = lock.rootfs() == null ? null : new RootfsLayerSource(lock.rootfs(), context);
    List<LayerSource> added = new ArrayList<>(packageSources(spec, lock, context, platform));
    if (!spec.accounts().users().isEmpty() || !spec.accounts().groups().isEmpty()) {
      added.add(new AccountsSource(spec.accounts(), context.spool(), context.epoch()));
    }
    added.addAll(addedSources(spec, lock, context));
    List<LayerBlob> layers = new ArrayList<>();
    ImageTree tree = new ImageTree(base != null ? base.describe() : "sealbuild", context.epoch(), MAX_IMAGE_ENTRIES);
    steps.treeCreated(tree);
    ImageConfig baseConfig = null;
    List<LayerBlob> baseLayers = List.of();
    if (lock.baseImage() != null) {
      BaseImageLayers image = new BaseImageLayers(lock.baseImage(), lock.baseImage().platform(platform)
          .orElseThrow(() -> new LockException("the lock pins base image " + lock.baseImage().reference() + " without platform "
              + platform + "; run build lock")), context);
      progress.accept("reading " + image.describe());
      steps.sourceStarting(image.describe());
      baseConfig = image.config();
      baseLayers = image.addTo(tree, baseConfig, blobs);
    }
    if (base != null) {
      progress.accept("reading " + base.describe());
      steps.sourceStarting(base.describe());
      base.addTo(tree);
      layers.add(steps.layerDone(tree, tree.currentLayer(), "sealbuild: " + base.describe()));
      tree.startLayer("added");
    }
    if (spec.layers() == LayerStrategy.PER_SOURCE) {
      for (LayerSource source : added) {
        progress.accept("adding " + source.describe());
        steps.sourceStarting(source.describe());
        source.addTo(tree);
        layers.add(steps.layerDone(tree, tree.currentLayer(), "sealbuild: " + source.describe()));
        tree.startLayer("added");
      }
    } else if (!added.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (LayerSource source : added) {
        progress.accept("adding " + source.describe());
        steps.sourceStarting(source.describe());
        source.addTo(tree);
        names.add(source.describe());
      }
      layers.add(steps.layerDone(tree, tree.currentLayer(), "sealbuild: " + String.join(", ", names)));
    }
    if (layers.isEmpty() && baseLayers.isEmpty()) {
      // Many runtimes refuse an image without layers; an empty layer costs 32 bytes.
      layers.add(steps.layerDone(tree, tree.currentLayer(), "sealbuild: empty"));
    }
    return new PlatformLayers(baseConfig, baseLayers, layers);
  }

  private List<LayerSource> packageSources(BuildSpec spec, Lockfile lock, BuildContext context, Platform platform)
      throws IOException {
    List<LockedPackage> mine = lock.packageList().stream().filter(p -> p.platforms().contains(platform)).toList();
    if (mine.isEmpty()) {
      return List.of();
    }
    if ("apk".equals(mine.get(0).type())) {
      List<String> urls = spec.repositories().stream().map(r -> r.url() == null ? null : r.url().toString())
          .filter(java.util.Objects::nonNull).toList();
      return List.of(new ApkPackagesSource(mine, lock.repositoryList(), urls, spec.packages(), mine.get(0).architecture(),
          context));
    }
    if (!"deb".equals(mine.get(0).type())) {
      throw new LockException("packages of type " + mine.get(0).type() + " cannot be installed by this sealbuild");
    }
    DebianPackagesSource all = new DebianPackagesSource(mine, context);
    return spec.layers() == LayerStrategy.PER_SOURCE ? List.copyOf(all.perPackage()) : List.of(all);
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

  private static List<LayerSource> addedSources(BuildSpec spec, Lockfile lock, BuildContext context) {
    List<LayerSource> sources = new ArrayList<>();
    for (int i = 0; i < spec.files().size(); i++) {
      var entry = spec.files().get(i);
      LockedFile locked = lock.file(entry.url().toString())
          .orElseThrow(() -> new LockException("lock does not pin " + entry.url() + "; run build lock"));
      sources.add(new RemoteFileSource(i, entry, locked, context));
    }
    for (int i = 0; i < spec.copy().size(); i++) {
      sources.add(new LocalCopySource(i, spec.copy().get(i), context));
    }
    return sources;
  }

  private void checkCached(BuildSpec spec, Lockfile lock) {
    if (lock.rootfs() != null) {
      cache.requirePresent(lock.rootfs().sha256(), "base rootfs " + lock.rootfs().source());
    }
    if (lock.baseImage() != null) {
      for (Platform platform : spec.platforms()) {
        lock.baseImage().platform(platform).ifPresent(image -> {
          String label = "base image " + lock.baseImage().reference() + " (" + platform + ")";
          cache.requirePresent(image.config().digest(), label + " config");
          for (int i = 0; i < image.layers().size(); i++) {
            cache.requirePresent(image.layers().get(i).digest(), label + " layer " + (i + 1));
          }
        });
      }
    }
    for (int i = 0; i < spec.files().size(); i++) {
      String url = spec.files().get(i).url().toString();
      cache.requirePresent(lock.file(url).orElseThrow().sha256(), "files[" + i + "] " + url);
    }
    for (LockedPackage p : lock.packageList()) {
      cache.requirePresent(p.sha256(), "package " + p.label());
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
      Map<String, String> annotations = lock.baseImage() == null ? Map.of() : Map.of(
          PlatformImage.BASE_NAME, lock.baseImage().reference(),
          PlatformImage.BASE_DIGEST, lock.baseImage().platform(platform).orElseThrow().manifest().digest().toString());
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
