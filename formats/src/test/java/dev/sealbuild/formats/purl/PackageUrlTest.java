package dev.sealbuild.formats.purl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected strings are the "build" test vectors of purl-spec's tests/types/{deb,apk,oci}-test.json. */
class PackageUrlTest {
  @Test
  void debVectors() {
    assertEquals("pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", PackageUrl.deb("curl", "7.50.3-1", "i386", "jessie"));
    assertEquals("pkg:deb/debian/attr@1:2.4.47-2?arch=source", PackageUrl.deb("attr", "1:2.4.47-2", "source", null));
    assertEquals("pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64", PackageUrl.deb("attr", "1:2.4.47-2+b1", "amd64", null));
    assertEquals("pkg:deb/ubuntu/dpkg@1.19.0.4?arch=amd64",
        PackageUrl.of("deb", "ubuntu", "dpkg", "1.19.0.4", Map.of("arch", "amd64")));
  }

  @Test
  void apkVectors() {
    assertEquals("pkg:apk/alpine/curl@7.83.0-r0?arch=x86", PackageUrl.apk("curl", "7.83.0-r0", "x86"));
    assertEquals("pkg:apk/alpine/libcrypto3@3.5.5-r0?arch=x86_64&distro=alpine-edge&upstream=openssl",
        PackageUrl.of("apk", "alpine", "libcrypto3", "3.5.5-r0",
            Map.of("upstream", "openssl", "arch", "x86_64", "distro", "alpine-edge")));
  }

  @Test
  void ociVectors() {
    assertEquals("pkg:oci/debian@sha256:244fd47e07d10?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&tag=latest",
        PackageUrl.of("oci", null, "debian", "sha256:244fd47e07d10",
            Map.of("repository_url", "docker.io/library/debian", "arch", "amd64", "tag", "latest")));
    assertEquals("pkg:oci/static@sha256:244fd47e07d10?repository_url=gcr.io%2Fdistroless%2Fstatic&tag=latest",
        PackageUrl.of("oci", null, "static", "sha256:244fd47e07d10",
            Map.of("repository_url", "gcr.io/distroless/static", "tag", "latest")));
    assertEquals("pkg:oci/hello-wasm@sha256:244fd47e07d10?tag=v1",
        PackageUrl.of("oci", null, "hello-wasm", "sha256:244fd47e07d10", Map.of("tag", "v1")));
  }

  @Test
  void anOciPurlIsNamedAfterTheRepository() {
    String hex = "a".repeat(64);
    assertEquals("pkg:oci/debian@sha256:" + hex + "?repository_url=registry.example.com:5000%2Flibrary%2FDebian&tag=12",
        PackageUrl.oci("registry.example.com:5000/library/Debian", dev.sealbuild.formats.digest.Sha256.ofHex(hex), "12", null));
  }

  @Test
  void tagsAreTakenFromReferences() {
    assertEquals("12", PackageUrl.tagOf("registry.example.com:5000/library/debian:12"));
    assertEquals("3.20", PackageUrl.tagOf("registry.example.com/alpine:3.20@sha256:" + "a".repeat(64)));
    assertNull(PackageUrl.tagOf("registry.example.com:5000/library/debian@sha256:" + "a".repeat(64)));
    assertNull(PackageUrl.tagOf("registry.example.com:5000/library/debian"));
  }

  @Test
  void spacesAndNonAsciiArePercentEncodedAsUtf8() {
    assertEquals("pkg:generic/a%20b@1%C3%A9", PackageUrl.of("generic", null, "a b", "1é", Map.of()));
  }
}
