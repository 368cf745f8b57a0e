package dev.sealbuild.lockfiles.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LockBlobsTest {
  private static Sha256 sha(String text) {
    return Sha256.hash(text.getBytes(StandardCharsets.UTF_8));
  }

  private static LockedPackage pkg(String name) {
    return new LockedPackage("deb", name, "1.0", "amd64", "debian", "pool/main/" + name + ".deb", sha(name), 100, null,
        List.of(Platform.LINUX_AMD64));
  }

  @Test
  void everyBlobPrepPutsInTheCacheForTheImageAndItsStagesOnce() {
    LockedDescriptor root = new LockedDescriptor("application/vnd.oci.image.index.v1+json", sha("index"), 10);
    LockedDescriptor manifest = new LockedDescriptor("application/vnd.oci.image.manifest.v1+json", sha("manifest"), 11);
    LockedDescriptor config = new LockedDescriptor("application/vnd.oci.image.config.v1+json", sha("config"), 12);
    LockedDescriptor layer = new LockedDescriptor("application/vnd.oci.image.layer.v1.tar+gzip", sha("layer"), 13);
    LockedBaseImage base = new LockedBaseImage("example.invalid/base:1", "example.invalid/base", root,
        List.of(new LockedPlatformImage(Platform.LINUX_AMD64, manifest, config, List.of(layer))));
    Lockfile build = new Lockfile(1, sha("spec"), 0, new LockedRootfs("https://example.invalid/rootfs.tar", sha("rootfs"), 500L), null,
        List.of(), null, List.of(pkg("gcc"), pkg("curl")), null);
    Lockfile image = new Lockfile(1, sha("spec"), 0, null, base,
        List.of(new LockedFile("https://example.invalid/tool", sha("tool"), null)), null, List.of(pkg("curl")), null,
        Map.of("build", build));

    Map<Sha256, NeededBlob> needed = LockBlobs.of(image);
    assertEquals(List.of(sha("index"), sha("manifest"), sha("config"), sha("layer"), sha("tool"), sha("curl"), sha("rootfs"), sha("gcc")),
        new ArrayList<>(needed.keySet()), "image first, then the stage; curl, needed by both, once");
    assertEquals("base image example.invalid/base:1 linux/amd64 layer 1", needed.get(sha("layer")).label());
    assertEquals("stage 'build' base rootfs https://example.invalid/rootfs.tar", needed.get(sha("rootfs")).label());
    assertEquals(13L, needed.get(sha("layer")).size());
    assertNull(needed.get(sha("tool")).size(), "a file locked without a size has none");
    assertEquals(needed.keySet(), LockBlobs.of(List.of(build, image)).keySet(), "the union over both locks is the same set");
  }

  @Test
  void theArtifactIsTheSameWhateverOrderTheBlobsCameIn() throws Exception {
    List<CacheArtifact.Blob> blobs = new ArrayList<>();
    for (String name : List.of("a", "b", "c", "d")) {
      blobs.add(new CacheArtifact.Blob(sha(name), name.length(), "package " + name));
    }
    CacheArtifact one = CacheArtifact.forLock("app", sha("lock"), blobs);
    Collections.reverse(blobs);
    CacheArtifact other = CacheArtifact.forLock("app", sha("lock"), blobs);
    assertArrayEquals(one.bytes(), other.bytes());
    assertEquals("lock-" + sha("lock").hex(), one.tag());

    JsonNode json = new ObjectMapper().readTree(one.bytes());
    assertEquals(CacheArtifact.ARTIFACT_TYPE, json.path("artifactType").asText());
    assertEquals(Map.of(CacheArtifact.SPEC_ANNOTATION, "app", CacheArtifact.LOCK_ANNOTATION, sha("lock").toString()),
        new ObjectMapper().convertValue(json.path("annotations"), Map.class), "no time, no host: only spec and lock");
    assertEquals("application/vnd.oci.empty.v1+json", json.path("config").path("mediaType").asText());
    List<String> digests = new ArrayList<>();
    json.path("layers").forEach(l -> digests.add(l.path("digest").asText()));
    List<String> sorted = new ArrayList<>(digests);
    Collections.sort(sorted);
    assertEquals(sorted, digests, "blobs in digest order");
    assertEquals(4, digests.size());
  }
}
