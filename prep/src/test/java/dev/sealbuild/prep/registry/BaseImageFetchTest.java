package dev.sealbuild.prep.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.lockfiles.spec.Platform;
import dev.sealbuild.prep.baseimage.BaseImageFetcher;
import dev.sealbuild.prep.cache.CacheWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prep of a pinned base image: every blob checked against the lock while it streams, nothing wrong kept. */
class BaseImageFetchTest {
  private final byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
      .getBytes(StandardCharsets.UTF_8);
  private final byte[] layer = "layer bytes, as the registry stores them".getBytes(StandardCharsets.UTF_8);
  private byte[] manifest;

  @TempDir Path dir;
  FakeRegistry fake;
  RemoteRegistry registry;
  CacheWriter cache;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeRegistry();
    registry = new RemoteRegistry(new RegistrySettings(Set.of(), Map.of(), 1));
    cache = CacheWriter.open(new VendorCacheLayout(dir.resolve("cache")));
    manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Sha256.hash(config) + "\",\"size\":" + config.length + "},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + Sha256.hash(layer) + "\",\"size\":" + layer.length + "}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @AfterEach
  void stop() {
    registry.close();
    fake.close();
  }

  private LockedBaseImage locked() {
    LockedDescriptor m = new LockedDescriptor(MediaTypes.OCI_MANIFEST, Sha256.hash(manifest), manifest.length);
    return new LockedBaseImage(fake.host() + "/img:1", fake.host() + "/img", m, List.of(new LockedPlatformImage(Platform.LINUX_AMD64, m,
        new LockedDescriptor("application/vnd.oci.image.config.v1+json", Sha256.hash(config), config.length),
        List.of(new LockedDescriptor("application/vnd.oci.image.layer.v1.tar+gzip", Sha256.hash(layer), layer.length)))));
  }

  private void serve(byte[] manifestBytes, byte[] layerBytes) {
    fake.put("/v2/img/manifests/" + Sha256.hash(manifest), FakeRegistry.Reply.ok(MediaTypes.OCI_MANIFEST, manifestBytes));
    fake.put("/v2/img/blobs/" + Sha256.hash(config), FakeRegistry.Reply.ok("application/octet-stream", config));
    fake.put("/v2/img/blobs/" + Sha256.hash(layer), FakeRegistry.Reply.ok("application/octet-stream", layerBytes));
  }

  private BaseImageFetcher fetcher() {
    return new BaseImageFetcher(registry, cache, 3, message -> { });
  }

  private long files(Path p) throws Exception {
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void fetchesManifestConfigAndLayerByDigestThenFindsThemCached() throws Exception {
    serve(manifest, layer);
    assertEquals(new BaseImageFetcher.Result(3, 0), fetcher().fetch(locked()));
    assertTrue(cache.contains(Sha256.hash(layer)) && cache.contains(Sha256.hash(config)) && cache.contains(Sha256.hash(manifest)));
    assertEquals(new BaseImageFetcher.Result(0, 3), fetcher().fetch(locked()));
  }

  @Test
  void aLayerThatDoesNotMatchTheLockIsRefusedAndNotKept() throws Exception {
    byte[] evil = layer.clone();
    evil[3] ^= 1;
    serve(manifest, evil);
    RuntimeException e = assertThrows(RuntimeException.class, () -> fetcher().fetch(locked()));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains(Sha256.hash(layer).toString()), e.getMessage());
    assertFalse(cache.contains(Sha256.hash(layer)));
    assertFalse(cache.contains(Sha256.hash(evil)));
    assertEquals(0, files(dir.resolve("cache/tmp")), "no partial download left behind");
  }

  @Test
  void aManifestThatDoesNotMatchItsPinnedDigestIsRefused() throws Exception {
    byte[] other = new String(manifest, StandardCharsets.UTF_8).replace("\"schemaVersion\":2", "\"schemaVersion\":2 ")
        .getBytes(StandardCharsets.UTF_8);
    serve(other, layer);
    RegistryException e = assertThrows(RegistryException.class, () -> fetcher().fetch(locked()));
    assertTrue(e.getMessage().contains("does not match its pinned digest"), e.getMessage());
    assertEquals(0, files(dir.resolve("cache")), "nothing cached");
  }
}
