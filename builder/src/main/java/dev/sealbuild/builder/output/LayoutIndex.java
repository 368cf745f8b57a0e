package dev.sealbuild.builder.output;

import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.OciLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a built image's layout lists in {@code index.json}: the image, tagged, and (when tagged) its referrers. */
final class LayoutIndex {
  private LayoutIndex() {}

  static byte[] indexJson(BuiltImage image, String tag, Map<String, String> annotations) {
    Map<String, String> all = new TreeMap<>(annotations);
    if (tag != null) {
      all.put(OciLayout.REF_NAME, tag);
    }
    List<Descriptor> manifests = new ArrayList<>(List.of(image.root().withAnnotations(all)));
    if (tag != null) {
      // Untagged, a second entry would make skopeo and umoci refuse the layout ("more than one image").
      manifests.addAll(image.referrers());
    }
    return OciLayout.indexJson(manifests);
  }
}
