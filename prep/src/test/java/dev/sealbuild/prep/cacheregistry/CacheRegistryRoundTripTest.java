package dev.sealbuild.prep.cacheregistry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.cache.CacheArtifact;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.prep.baseimage.BaseImageFetcher;
import dev.sealbuild.prep.cache.CacheSelection;
import dev.sealbuild.prep.cache.CacheWriter;
import dev.sealbuild.prep.http.TransportFixtures;
import dev.sealbuild.prep.registry.BlobPush;
import dev.sealbuild.prep.registry.ImageReference;
import dev.sealbuild.prep.registry.Registry;
import dev.sealbuild.prep.registry.RegistryException;
import dev.sealbuild.prep.registry.RegistryPusher;
import dev.sealbuild.prep.registry.RegistrySettings;
import dev.sealbuild.prep.registry.RemoteRegistry;
import dev.sealbuild.prep.registry.ResolvedImage;
import dev.sealbuild.testsupport.registry.LocalRegistry;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vendor cache pushed to Debian's docker-registry behind htpasswd and read back by another cache: credentials as
 * for build push, only missing blobs sent, and a base image prepped from the cache registry alone (the image's own
 * registry is never asked).
 */
class CacheRegistryRoundTripTest {
  private static final String USER = "cache";
  private static final String PASSWORD = "s3cret-" + Long.toHexString(new SecureRandom().nextLong());

  @TempDir Path dir;

  /** An upstream registry that must not be contacted. */
  private static final Registry NEVER = new Registry() {
    @Override
    public ResolvedImage resolve(ImageReference reference, List<Platform> platforms) {
      throw new AssertionError("upstream asked to resolve " + reference);
    }

    @Override
    public void fetchBlob(ImageReference repository, Sha256 digest, long size, OutputStream out) {
      throw new AssertionError("upstream asked for blob " + digest);
    }

    @Override
    public byte[] fetchManifest(ImageReference repository, Descriptor descriptor) {
      throw new AssertionError("upstream asked for manifest " + descriptor.digest());
    }
  };

  private LockedDescriptor put(CacheWriter cache, String mediaType, String text) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Sha256 digest = cache.put(new ByteArrayInputStream(bytes), null, null, "test");
    return new LockedDescriptor(mediaType, digest, bytes.length);
  }

  @Test
  void aBaseImagePushedWithCredentialsIsPreppedFromTheCacheRegistryAlone() throws Exception {
    LocalRegistry.requireTools();
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    Path htpasswd = dir.resolve("htpasswd");
    Files.writeString(htpasswd, USER + ":" + OpenBSDBCrypt.generate("2y", PASSWORD.toCharArray(), salt, 6) + "\n");
    Path docker = Files.createDirectories(dir.resolve("docker"));
    Files.writeString(docker.resolve("config.json"), "{\"auths\": {\"REGISTRY\": {\"auth\": \""
        + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\"}}}");
    Map<String, String> noCredentials = Map.of("HOME", dir.resolve("no-home").toString());

    CacheWriter a = CacheWriter.open(new VendorCacheLayout(dir.resolve("a")));
    LockedDescriptor layer = put(a, MediaType.OCI_LAYER_GZIP.toString(), "layer bytes");
    LockedDescriptor config = put(a, MediaType.OCI_CONFIG.toString(), "{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    LockedDescriptor manifest = put(a, MediaType.OCI_MANIFEST.toString(), "{\"schemaVersion\":2}");
    LockedBaseImage base = new LockedBaseImage("upstream.invalid/base:1", "upstream.invalid/base", manifest,
        List.of(new LockedPlatformImage(Platform.LINUX_AMD64, manifest, config, List.of(layer))));

    try (LocalRegistry registry = LocalRegistry.start(Files.createDirectories(dir.resolve("registry")), htpasswd)) {
      Files.writeString(docker.resolve("config.json"), Files.readString(docker.resolve("config.json")).replace("REGISTRY", registry.host()));
      Map<String, String> credentials = Map.of("DOCKER_CONFIG", docker.toString(), "HOME", dir.resolve("no-home").toString());
      ImageReference repository = CacheRepository.parse("docker://" + registry.host() + "/team/cache", "--to");
      CacheArtifact artifact = CacheArtifact.forLock("base-test", Sha256.hash("lock".getBytes(StandardCharsets.UTF_8)),
          CacheSelection.all(a.layout()));

      RegistryException anonymous = assertThrows(RegistryException.class, () -> push(a, repository, artifact, noCredentials, new ArrayList<>()));
      assertTrue(anonymous.getMessage().contains("401") && anonymous.getMessage().contains("no credentials"), anonymous.getMessage());
      assertFalse(anonymous.getMessage().contains("\n"));

      List<BlobPush> first = new ArrayList<>();
      CachePusher.Result pushed = push(a, repository, artifact, credentials, first);
      assertEquals(List.of(BlobPush.UPLOADED, BlobPush.UPLOADED, BlobPush.UPLOADED), first);
      assertEquals(registry.host() + "/team/cache:" + CacheArtifact.tagOf(Sha256.hash("lock".getBytes(StandardCharsets.UTF_8))),
          pushed.reference());
      assertArrayEquals(artifact.bytes(), registry.rawManifest("team/cache:" + artifact.tag(), USER + ":" + PASSWORD));
      List<BlobPush> second = new ArrayList<>();
      push(a, repository, artifact, credentials, second);
      assertEquals(List.of(BlobPush.EXISTED, BlobPush.EXISTED, BlobPush.EXISTED), second, "nothing is sent twice");

      CacheWriter b = CacheWriter.open(new VendorCacheLayout(dir.resolve("b")));
      List<String> warnings = new ArrayList<>();
      CacheSources sources = new CacheSources(new RemoteRegistry(new RegistrySettings(Set.of(), credentials), TransportFixtures.transport(1)),
          new CacheFrom(List.of(repository), true), warnings::add);
      BaseImageFetcher.Result result = new BaseImageFetcher(NEVER, b, 2, line -> {}, sources).fetch(base);
      assertEquals(3, result.fetched());
      for (LockedDescriptor d : List.of(layer, config, manifest)) {
        assertArrayEquals(Files.readAllBytes(a.layout().blob(d.digest())), Files.readAllBytes(b.layout().blob(d.digest())));
      }
      assertEquals(List.of(), warnings);

      CacheWriter c = CacheWriter.open(new VendorCacheLayout(dir.resolve("c")));
      CacheSources elsewhere = new CacheSources(new RemoteRegistry(new RegistrySettings(Set.of(), credentials), TransportFixtures.transport(1)),
          new CacheFrom(List.of(CacheRepository.parse("docker://" + registry.host() + "/team/other", "--from")), true), warnings::add);
      CacheRegistryException missing = assertThrows(CacheRegistryException.class,
          () -> new BaseImageFetcher(NEVER, c, 1, line -> {}, elsewhere).fetch(base));
      assertTrue(missing.getMessage().startsWith("base image upstream.invalid/base:1 (" + manifest.digest()
          + ") is in none of the cache registries: docker://" + registry.host() + "/team/other (not there)"), missing.getMessage());
      assertTrue(missing.getMessage().contains("--offline-upstream forbids registry upstream.invalid/base"), missing.getMessage());
      assertEquals(List.of(), CacheSelection.all(c.layout()), "nothing half-written");
      try (var temporaries = Files.list(c.layout().tmpDir())) {
        assertEquals(0, temporaries.count());
      }
    }
  }

  private CachePusher.Result push(CacheWriter cache, ImageReference repository, CacheArtifact artifact, Map<String, String> environment,
      List<BlobPush> outcomes) {
    try (RegistryPusher pusher = new RegistryPusher(new RegistrySettings(Set.of(), environment), TransportFixtures.transport(1))) {
      return new CachePusher(pusher, cache.layout(), new CachePusher.Listener() {
        @Override
        public void blob(Descriptor blob, BlobPush outcome) {
          outcomes.add(outcome);
        }

        @Override
        public void manifest(Descriptor manifest, String reference) {}
      }).push(repository, artifact);
    }
  }
}
