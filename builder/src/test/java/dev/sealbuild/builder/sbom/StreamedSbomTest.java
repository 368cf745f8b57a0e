package dev.sealbuild.builder.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Platform;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SBOM writers stream (a component at a time, never the whole document); what they write must stay the bytes
 * the tree-built documents had, or every image's SBOM digest would change.
 */
class StreamedSbomTest {
  private static final SbomGenerator GENERATOR = new SbomGenerator(null, null, "1.2.3-test");

  /*
   * The digests of the documents the tree-built writers (a Jackson tree per document, rendered as one string; replaced
   * by the streaming writers in 2026-12) wrote for these inputs: the streamed bytes must be those bytes, or every
   * image's SBOM digest would change.
   */
  private static final String SPDX = "sha256:f670acc24c1a94232f817656f5dd74346907e6437b76c6ac111e5b9ea831d2e0";
  private static final String CYCLONEDX = "sha256:1370de5c6f336febd6b8997f1f74dac3c775fb18b22173ceb37268f3d503454c";
  private static final String SPDX_EMPTY = "sha256:33044debbf12830be6fa65985a0a3d4258dcac82b1e3682537e6b8dfa701c33d";
  private static final String CYCLONEDX_EMPTY = "sha256:86ea92fa1e96db2cde43a20cd788fea1cb5f7a9928a5a0e290a74b600390a6c4";

  @Test
  void spdxIsByteIdenticalToTheTreeBuiltDocument() {
    assertEquals(SPDX, Sha256.hash(GENERATOR.write(sample(), SbomFormat.SPDX_JSON)).toString());
  }

  @Test
  void cycloneDxIsByteIdenticalToTheTreeBuiltDocument() {
    assertEquals(CYCLONEDX, Sha256.hash(GENERATOR.write(sample(), SbomFormat.CYCLONEDX_JSON)).toString());
  }

  @Test
  void anImageWithNoInputsIsByteIdenticalToo() {
    BillOfMaterials bom = new BillOfMaterials("empty", List.of(Platform.of("linux", "amd64")), 0, Sha256.hash(new byte[0]),
        Sha256.hash(new byte[1]), "3.25", List.of());
    assertEquals(SPDX_EMPTY, Sha256.hash(new SbomGenerator(null, null, "v").write(bom, SbomFormat.SPDX_JSON)).toString());
    assertEquals(CYCLONEDX_EMPTY, Sha256.hash(new SbomGenerator(null, null, "v").write(bom, SbomFormat.CYCLONEDX_JSON)).toString());
  }

  /** Every kind of component, fields present and absent, text that needs escaping, non-ASCII and astral characters. */
  private static BillOfMaterials sample() {
    List<SbomComponent> components = new ArrayList<>();
    components.add(new SbomComponent(SbomComponent.Kind.BASE_IMAGE, "base-debian", "debian", "sha256:ab", null, null, null,
        null, null, Sha256.hash("base".getBytes(StandardCharsets.UTF_8)), null, "pkg:oci/debian@sha256:ab",
        "https://registry.example.com/v2/debian", null, List.of("linux/arm64", "linux/amd64"), "base image"));
    components.add(new SbomComponent(SbomComponent.Kind.BASE_ROOTFS, "rootfs-alpine-0123", "alpine-minirootfs.tar.gz",
        null, null, null, null, null, null, Sha256.hash(new byte[] {1}), null, null, "http://10.0.0.1/rootfs.tar.gz", null,
        List.of(), "rootfs: alpine"));
    components.add(new SbomComponent(SbomComponent.Kind.BASE_PACKAGE, "apk-musl-1.2", "musl", "1.2.4-r2", "x86_64",
        Party.parse("Timo Teräs <timo.teras@iki.fi>"), new StatedLicense("MIT", ".PKGINFO", "MIT"),
        "https://musl.libc.org/", "the musl c library (libc) \"implementation\"\tand\\more", null,
        "da39a3ee5e6b4b0d3255bfef95601890afd80709", "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64", null,
        "rootfs-alpine-0123", List.of(), "preinstalled in the rootfs"));
    components.add(new SbomComponent(SbomComponent.Kind.PACKAGE, "deb-libc6-2.36", "libc6", "2.36-9+deb12u4", "amd64",
        Party.parse("GNU Libc Maintainers <debian-glibc@lists.debian.org>"),
        new StatedLicense("GPL-2+ and LGPL-2.1+ with some odd text", "debian/copyright", null), null,
        "GNU C Library: Shared libraries \u2014 \uD83D\uDE00 \u0001 </script>", Sha256.hash(new byte[] {2}), null,
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64", "https://deb.example.org/pool/main/g/glibc/libc6.deb", null,
        List.of("linux/amd64"), "package libc6"));
    components.add(new SbomComponent(SbomComponent.Kind.PACKAGE, "deb-team", "team-pkg", "1", "all",
        Party.parse("A Team"), new StatedLicense("Apache-2.0 OR MIT", "debian/copyright", "Apache-2.0 OR MIT"), null, null,
        null, null, null, null, null, List.of(), "package team-pkg"));
    components.add(new SbomComponent(SbomComponent.Kind.PINNED_FILE, "pinned-tool.tar.gz-4f00", "tool.tar.gz", null, null,
        null, null, null, null, Sha256.hash(new byte[] {3}), null, null, "https://example.com/tool.tar.gz", null, List.of(),
        "files[0] extracted into /opt/tool"));
    for (int i = 0; i < 3; i++) {
      components.add(new SbomComponent(SbomComponent.Kind.LOCAL_FILE, "local-app-f" + i, "app/f" + i + " ü", null, null, null,
          null, null, null, Sha256.hash(new byte[0]), null, null, null, null, List.of(), "copy[0] to /srv/"));
    }
    return new BillOfMaterials("sample/app", List.of(Platform.of("linux", "arm64"), Platform.of("linux", "amd64")),
        1700000000L, Sha256.hash("spec".getBytes(StandardCharsets.UTF_8)), Sha256.hash("lock".getBytes(StandardCharsets.UTF_8)),
        "3.25.0", components);
  }

}
