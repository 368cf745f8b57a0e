package dev.sealbuild.prep.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sealbuild.formats.oci.DockerArchiveManifest;
import dev.sealbuild.formats.oci.ImageConfig;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.OciDocument;
import dev.sealbuild.formats.oci.OciFormatException;
import dev.sealbuild.formats.oci.OciLayout;
import dev.sealbuild.testsupport.fuzz.Refusals;
import java.util.Arrays;

/**
 * OCI and Docker JSON as a registry or a layout serves it: a manifest or an index (with each declared media type a
 * Content-Type may give), an image config, a layout's {@code index.json} and a docker-archive {@code manifest.json},
 * through the formats.oci readers. The first byte picks the declared media type; the rest is the document.
 * Seeds: {@code OciFuzzTestInputs/ociDocuments}.
 */
class OciFuzzTest {
  private static final String WHAT = "registry.example.invalid/app:1 manifest";
  private static final Refusals REFUSALS = Refusals.of(WHAT, OciFormatException.class);
  private static final String[] DECLARED = {null, "", MediaType.OCI_MANIFEST.toString(), MediaType.OCI_INDEX.toString(),
      MediaType.DOCKER_MANIFEST.toString(), MediaType.DOCKER_MANIFEST_LIST.toString(), "text/html"};

  @FuzzTest
  void ociDocuments(byte[] input) throws Exception {
    if (input.length == 0 || input.length > Refusals.MAX_INPUT) {
      return;
    }
    String declared = DECLARED[(input[0] & 0xff) % DECLARED.length];
    byte[] json = Arrays.copyOfRange(input, 1, input.length);
    REFUSALS.check(() -> {
      OciDocument doc = OciDocument.parse(json, declared, WHAT);
      doc.toBytes();
    });
    REFUSALS.check(() -> ImageConfig.parse(json, WHAT));
    REFUSALS.check(() -> OciLayout.readIndex(json, WHAT));
    REFUSALS.check(() -> DockerArchiveManifest.parse(json, WHAT));
  }
}
