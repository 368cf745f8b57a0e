package dev.sealbuild.builder.provenance;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.purl.PackageUrl;
import dev.sealbuild.lockfiles.lock.LockedBaseImage;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedPlatformImage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.lock.LockedRootfs;
import dev.sealbuild.lockfiles.lock.Lockfile;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.FileEntry;
import dev.sealbuild.formats.oci.Platform;
import dev.sealbuild.lockfiles.spec.RepositorySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every pinned input of a build as an in-toto ResourceDescriptor, in a fixed order: the base (image or rootfs),
 * the remote files, the signed repository indexes, then the packages, each group in lock order. The
 * {@code kind} annotation says which group an entry belongs to. See docs/provenance.md for each kind's layout.
 */
final class ResolvedDependencies {
  static final String KIND = "kind";

  private ResolvedDependencies() {}

  static List<ResourceDescriptor> of(BuildSpec spec, Lockfile lock) {
    List<ResourceDescriptor> out = new ArrayList<>(of(spec, lock, null));
    for (String stage : spec.stageOrder()) {
      out.addAll(of(spec.stage(stage), lock.stage(stage), stage));
    }
    return List.copyOf(out);
  }

  /**
   * One scope's inputs; a stage's carry the annotation {@code stage}, and a file that only its steps read
   * ({@code temporary: true}) the annotation {@code temporary}.
   */
  private static List<ResourceDescriptor> of(BuildSpec spec, Lockfile lock, String stage) {
    List<ResourceDescriptor> out = new ArrayList<>();
    if (lock.baseImage() != null) {
      out.addAll(baseImage(lock.baseImage()));
    }
    if (lock.rootfs() != null) {
      out.add(rootfs(lock.rootfs()));
    }
    java.util.Set<String> temporary = spec.files().stream().filter(FileEntry::temporary).map(f -> f.url().toString())
        .collect(Collectors.toSet());
    for (LockedFile f : lock.files()) {
      Map<String, String> annotations = new LinkedHashMap<>();
      annotations.put(KIND, "file");
      if (temporary.contains(f.url())) {
        annotations.put("temporary", "true");
      }
      out.add(ResourceDescriptor.of(f.url(), null, f.sha256(), null, annotations));
    }
    for (LockedRepository repo : lock.repositoryList()) {
      for (LockedRepository.Index index : repo.indexes()) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(KIND, "repository-index");
        annotations.put("repository", repo.name());
        putIfPresent(annotations, "date", index.date());
        putIfPresent(annotations, "signer", index.signer());
        out.add(ResourceDescriptor.of(null, repo.name() + "/" + index.path(), index.sha256(), null, annotations));
      }
    }
    Map<String, String> suites = new java.util.HashMap<>(spec.repositories().stream().filter(r -> r.suite() != null)
        .collect(Collectors.toMap(RepositorySpec::name, RepositorySpec::suite)));
    // repositories a from: base entry found in the base carry their suite in the lock
    lock.repositoryList().stream().filter(r -> r.suite() != null).forEach(r -> suites.putIfAbsent(r.name(), r.suite()));
    for (LockedPackage p : lock.packageList()) {
      Map<String, String> annotations = new java.util.LinkedHashMap<>(Map.of(KIND, "package", "repository",
          p.repository(), "platforms", p.platforms().stream().map(Platform::toString).collect(Collectors.joining(","))));
      if (p.buildOnly()) {
        annotations.put("buildOnly", "true");
      }
      out.add(ResourceDescriptor.of(packageUrl(p, suites.get(p.repository())), p.path(), p.sha256(), null, annotations));
    }
    if (stage != null) {
      out.replaceAll(d -> d.withAnnotation("stage", stage));
    }
    return out;
  }

  private static List<ResourceDescriptor> baseImage(LockedBaseImage image) {
    List<ResourceDescriptor> out = new ArrayList<>();
    out.add(ResourceDescriptor.of(ociUrl(image, image.root().digest(), null), image.reference(),
        image.root().digest(), image.root().mediaType(), Map.of(KIND, "base-image")));
    for (LockedPlatformImage platform : image.platforms()) {
      if (!platform.manifest().digest().equals(image.root().digest())) {
        out.add(ResourceDescriptor.of(ociUrl(image, platform.manifest().digest(), platform.platform()),
            image.reference() + " (" + platform.platform() + ")", platform.manifest().digest(),
            platform.manifest().mediaType(), Map.of(KIND, "base-image", "platform", platform.platform().toString())));
      }
    }
    return out;
  }

  private static ResourceDescriptor rootfs(LockedRootfs rootfs) {
    boolean remote = rootfs.source().startsWith("https://") || rootfs.source().startsWith("http://");
    // A local rootfs is a path relative to the spec, not a URI: it goes in name.
    return ResourceDescriptor.of(remote ? rootfs.source() : null, remote ? null : rootfs.source(), rootfs.sha256(), null,
        Map.of(KIND, "rootfs"));
  }

  /** {@code pkg:deb/debian/NAME@VERSION?arch=A&distro=SUITE}, {@code pkg:apk/alpine/NAME@VERSION?arch=A}. */
  static String packageUrl(LockedPackage p, String suite) {
    return switch (p.type()) {
      case "deb" -> PackageUrl.deb(p.name(), p.version(), p.architecture(), suite);
      case "apk" -> PackageUrl.apk(p.name(), p.version(), p.architecture());
      default -> PackageUrl.of(p.type(), null, p.name(), p.version(), Map.of("arch", p.architecture()));
    };
  }

  /**
   * {@code pkg:oci/NAME@sha256:HEX?[arch=A&]repository_url=REGISTRY%2FREPOSITORY[&tag=T]}: for the root, the very
   * purl the SBOM gives the base image.
   */
  static String ociUrl(LockedBaseImage image, Sha256 digest, Platform platform) {
    return PackageUrl.oci(image.repository(), digest, PackageUrl.tagOf(image.reference()),
        platform == null ? null : platform.architecture());
  }

  private static void putIfPresent(Map<String, String> map, String key, String value) {
    if (value != null && !value.isEmpty()) {
      map.put(key, value);
    }
  }
}
