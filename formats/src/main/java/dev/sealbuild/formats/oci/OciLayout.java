package dev.sealbuild.formats.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.json.CanonicalJson;
import java.util.List;

/**
 * The two small files of an OCI image layout: {@code oci-layout} ({@code {"imageLayoutVersion":"1.0.0"}}) and
 * {@code index.json} (an {@link Index} of the layout's roots; the tag is each root's
 * {@code org.opencontainers.image.ref.name} annotation).
 */
public final class OciLayout {
  public static final String LAYOUT_FILE = "oci-layout";
  public static final String INDEX_FILE = "index.json";
  public static final String VERSION = "1.0.0";
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  private OciLayout() {}

  /** The bytes of the {@code oci-layout} file. */
  public static byte[] layoutFile() {
    ObjectNode node = OciJson.MAPPER.createObjectNode();
    node.put("imageLayoutVersion", VERSION);
    return CanonicalJson.compact(node);
  }

  /** Checks an {@code oci-layout} file's bytes; a one-line error naming {@code what}. */
  public static void checkLayoutFile(byte[] bytes, String what) {
    ObjectNode json = OciJson.object(bytes, what);
    if (!VERSION.equals(json.path("imageLayoutVersion").asText(null))) {
      throw new OciFormatException(what + " has imageLayoutVersion " + json.path("imageLayoutVersion")
          + "; sealbuild reads version " + VERSION);
    }
  }

  /** The bytes of an {@code index.json} listing {@code manifests}. */
  public static byte[] indexJson(List<Descriptor> manifests) {
    return Index.of(manifests).toBytes();
  }

  /** Reads an {@code index.json}; it must be an OCI index. */
  public static Index readIndex(byte[] bytes, String what) {
    return OciDocument.parseIndex(bytes, MediaType.OCI_INDEX.toString(), what);
  }
}
