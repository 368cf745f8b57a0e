package dev.sealbuild.builder.output;

import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.builder.image.Descriptor;
import dev.sealbuild.formats.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The two small files of an OCI image layout: {@code oci-layout} and {@code index.json}. */
final class OciLayout {
  static final byte[] OCI_LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

  private OciLayout() {}

  static byte[] indexJson(BuiltImage image, String tag, Map<String, String> annotations) {
    Map<String, String> all = new TreeMap<>(annotations);
    if (tag != null) {
      all.put("org.opencontainers.image.ref.name", tag);
    }
    Descriptor root = image.root().withAnnotations(all.isEmpty() ? null : all);
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", dev.sealbuild.builder.image.MediaTypes.IMAGE_INDEX);
    List<Descriptor> manifests = new java.util.ArrayList<>(List.of(root));
    if (tag != null) {
      // Untagged, a second entry would make skopeo and umoci refuse the layout ("more than one image").
      manifests.addAll(image.referrers());
    }
    index.put("manifests", manifests);
    return CanonicalJson.compact(index);
  }
}
