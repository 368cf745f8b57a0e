package dev.sealbuild.builder.provenance;

import dev.sealbuild.formats.oci.PlatformImage;
import dev.sealbuild.formats.oci.Manifest;
import dev.sealbuild.formats.oci.ImageConfig;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedDescriptor;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.lock.SpecDigest;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Synthetic specs, locks and built images with distinct, recognisable digests. */
final class ProvenanceFixtures {
  static final Platform AMD64 = Platform.parse("linux/amd64");
  static final Platform ARM64 = Platform.parse("linux/arm64");

  private ProvenanceFixtures() {}

  static Sha256 digestOf(String label) {
    return Sha256.hash(label.getBytes(StandardCharsets.UTF_8));
  }

  /** A two-platform Debian spec on a rootfs, with one remote file. */
  static BuildSpec debianSpec() {
    return new SpecReader(Map.of()).parse("build.yaml", """
        name: registry.example.invalid/team/app
        base:
          rootfs:
            url: https://files.example.invalid/rootfs.tar.gz
        files:
          - url: https://files.example.invalid/tool-1.2.tar.gz
            dest: /opt/tool.tar.gz
        platforms: [linux/amd64, linux/arm64]
        repositories:
          - name: debian
            type: debian
            suite: bookworm
        packages: [curl, tzdata, libfoo]
        """);
  }

  static Lockfile debianLock(BuildSpec spec) {
    return new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), 1_700_000_000L,
        new LockedRootfs("https://files.example.invalid/rootfs.tar.gz", digestOf("rootfs"), 100L), null,
        List.of(new LockedFile("https://files.example.invalid/tool-1.2.tar.gz", digestOf("tool"), 10L)),
        List.of(new LockedRepository("debian", "debian", List.of(new LockedRepository.Index("dists/bookworm/InRelease",
            digestOf("InRelease"), "Sat, 01 Jun 2024 10:00:00 UTC", "4CB50190207B4758A3F73A796ED0E7B82643E131")), null)),
        List.of(
            deb("curl", "7.88.1-10+deb12u5", "amd64", List.of(AMD64)),
            deb("curl", "7.88.1-10+deb12u5", "arm64", List.of(ARM64)),
            deb("tzdata", "2024a-0+deb12u1", "all", List.of(AMD64, ARM64)),
            deb("libfoo", "1:2.0+dfsg-1", "amd64", List.of(AMD64))));
  }

  static LockedPackage deb(String name, String version, String arch, List<Platform> platforms) {
    String file = name + "_" + version.replace(":", "%3a") + "_" + arch + ".deb";
    return new LockedPackage("deb", name, version, arch, "debian", "pool/main/" + name.charAt(0) + "/" + name + "/" + file,
        digestOf(name + " " + version + " " + arch), 1000, null, platforms);
  }

  /** A spec on a base image from a registry, with Alpine packages. */
  static BuildSpec alpineImageSpec() {
    return new SpecReader(Map.of()).parse("build.yaml", """
        name: app
        base:
          image: registry.example.invalid/library/alpine:3.20
        platforms: [linux/amd64, linux/arm64]
        repositories:
          - name: main
            type: alpine
            url: https://apk.example.invalid/alpine/v3.20/main
            keys: [keys/alpine.rsa.pub]
        packages: [curl]
        """);
  }

  static Lockfile alpineImageLock(BuildSpec spec) {
    LockedBaseImage base = new LockedBaseImage("registry.example.invalid/library/alpine:3.20",
        "registry.example.invalid/library/alpine",
        new LockedDescriptor(MediaType.OCI_INDEX.toString(), digestOf("base index"), 1000),
        List.of(platformImage(AMD64), platformImage(ARM64)));
    return new Lockfile(Lockfile.VERSION, SpecDigest.of(spec), 0, null, base, List.of(),
        List.of(new LockedRepository("main", "alpine", List.of(
            new LockedRepository.Index("x86_64/APKINDEX.tar.gz", digestOf("apkindex x86_64"), null, "alpine.rsa.pub")), null)),
        List.of(new LockedPackage("apk", "curl", "8.9.1-r0", "x86_64", "main", "x86_64/curl-8.9.1-r0.apk",
            digestOf("curl apk"), 300, "Q1abc=", List.of(AMD64))));
  }

  private static LockedPlatformImage platformImage(Platform platform) {
    return new LockedPlatformImage(platform, new LockedDescriptor(MediaType.OCI_MANIFEST.toString(), digestOf("base manifest " + platform), 500),
        new LockedDescriptor(MediaType.OCI_CONFIG.toString(), digestOf("base config " + platform), 200),
        List.of(new LockedDescriptor(MediaType.OCI_LAYER_GZIP.toString(), digestOf("base layer " + platform), 3000)));
  }

  /** A built image: an index over one manifest per platform (or just the manifest, for one platform). */
  static BuiltImage image(List<Platform> platforms) {
    Map<Platform, BuiltImage.BuiltPlatform> images = new LinkedHashMap<>();
    for (Platform platform : platforms) {
      Manifest manifest = Manifest.image(Descriptor.of(MediaType.OCI_CONFIG, digestOf("config " + platform), 300),
          List.of(), Map.of());
      images.put(platform, new BuiltImage.BuiltPlatform(new PlatformImage(platform,
          Descriptor.of(MediaType.OCI_MANIFEST, digestOf("manifest " + platform), 400), manifest,
          new ImageConfig(null, platform, null, List.of(), List.of(), null)), List.of()));
    }
    Descriptor root = platforms.size() == 1 ? images.get(platforms.get(0)).image().descriptor()
        : Descriptor.of(MediaType.OCI_INDEX, digestOf("index"), 600);
    return new BuiltImage(Path.of("/nonexistent-staging"), root, images, List.of());
  }
}
