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

  @Test
  void spdxIsByteIdenticalToTheTreeBuiltDocument() {
    BillOfMaterials bom = sample();
    assertEquals(text(TreeSpdxJsonWriter.write(bom, "1.2.3-test")), text(GENERATOR.write(bom, SbomFormat.SPDX_JSON)));
  }

  @Test
  void cycloneDxIsByteIdenticalToTheTreeBuiltDocument() {
    BillOfMaterials bom = sample();
    assertEquals(text(TreeCycloneDxJsonWriter.write(bom, "1.2.3-test")),
        text(GENERATOR.write(bom, SbomFormat.CYCLONEDX_JSON)));
  }

  @Test
  void anImageWithNoInputsIsByteIdenticalToo() {
    BillOfMaterials bom = new BillOfMaterials("empty", List.of(Platform.of("linux", "amd64")), 0, Sha256.hash(new byte[0]),
        Sha256.hash(new byte[1]), "3.25", List.of());
    assertEquals(text(TreeSpdxJsonWriter.write(bom, "v")), text(new SbomGenerator(null, null, "v").write(bom, SbomFormat.SPDX_JSON)));
    assertEquals(text(TreeCycloneDxJsonWriter.write(bom, "v")),
        text(new SbomGenerator(null, null, "v").write(bom, SbomFormat.CYCLONEDX_JSON)));
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

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
