package dev.sealbuild.builder.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.builder.layercache.LayerCache;
import dev.sealbuild.builder.output.OutputTarget;
import dev.sealbuild.builder.record.ImageRecords;
import dev.sealbuild.builder.source.LocalFileDigests;
import dev.sealbuild.builder.stage.StepSettings;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cold build with its image record and SBOM reads each local file's bytes for their digests once (then once more
 * for the layer itself): the record, the layer key and the SBOM used to read a copied tree three times.
 */
class LocalFilesReadOnceTest {
  @TempDir Path work;

  @Test
  void theRecordTheLayerKeyAndTheSbomShareOneReadOfEachFile() throws Exception {
    Path specDir = Files.createDirectories(work.resolve("project"));
    Files.createDirectories(specDir.resolve("app/lib"));
    for (int i = 0; i < 5; i++) {
      Files.writeString(specDir.resolve("app/lib/module" + i + ".py"), ("x = " + i + "\n").repeat(1000 * (i + 1)));
    }
    Files.writeString(specDir.resolve("app/main.py"), "import lib\n");
    Files.writeString(specDir.resolve("build.yaml"), """
        name: app
        copy:
          - {src: app, dest: /app}
          - {src: app/main.py, dest: /usr/local/bin/main.py}
        """);
    BuildSpec spec = new SpecReader(Map.of()).read(specDir.resolve("build.yaml"));
    Lockfile lock = new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), 0, null, null, List.of(), null, null);
    VendorCacheLayout cache = new VendorCacheLayout(work.resolve("cache"));

    // files written seconds ago, as a checkout's are (a file changed in the last two seconds is read each time)
    LocalFileDigests files = new LocalFileDigests(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)));
    assertTrue(ImageRecords.inputs(spec, lock, specDir, Map.of(), 0, files).isPresent());
    assertEquals(6, files.reads());
    long asked = files.requests();
    BuiltImage shared = build(spec, lock, specDir, cache, LayerCache.in(cache, w -> { }), files, "shared");
    assertTrue(files.requests() >= asked + 12, "the layer key and the SBOM each asked for six files: " + files.requests());
    assertEquals(6, files.reads(), "six files, each read once for its digests, though main.py is copied twice");

    // the same image as a build that shares nothing (no layer cache, its own digests)
    BuiltImage alone = build(spec, lock, specDir, cache, LayerCache.disabled(), new LocalFileDigests(), "alone");
    assertEquals(alone.digest(), shared.digest());
  }

  private BuiltImage build(BuildSpec spec, Lockfile lock, Path specDir, VendorCacheLayout cache, LayerCache layers,
      LocalFileDigests files, String name) throws Exception {
    ImageBuild build = new ImageBuild(new CacheReader(cache), new ImageBuild.Run("test", false, "off"), m -> { }, layers,
        StepSettings.defaults(m -> { }), null, files);
    Path out = work.resolve(name);
    return build.build(new ImageBuild.Request(spec, lock, specDir, 0, List.of(OutputTarget.parse("oci:" + out + ":v1", work)),
        null, true, Optional.empty(), null, null));
  }
}
