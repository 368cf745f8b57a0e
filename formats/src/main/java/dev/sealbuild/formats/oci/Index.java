package dev.sealbuild.formats.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.json.CanonicalJson;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An image index (OCI) or manifest list (Docker v2), and the shape of an OCI layout's {@code index.json}.
 *
 * @param artifactType null unless the index is an artifact
 * @param subject null unless this index refers to another manifest (OCI 1.1)
 */
public record Index(MediaType mediaType, String artifactType, List<Descriptor> manifests, Descriptor subject,
    Map<String, String> annotations) implements OciDocument {
  public Index {
    if (!Objects.requireNonNull(mediaType, "mediaType").isIndex()) {
      throw new OciFormatException("an index cannot have media type " + mediaType);
    }
    manifests = List.copyOf(manifests);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /** An OCI image index. */
  public static Index of(List<Descriptor> manifests) {
    return new Index(MediaType.OCI_INDEX, null, manifests, null, Map.of());
  }

  static Index fromJson(MediaType mediaType, JsonNode json, String what) {
    if (!json.path("manifests").isArray() || json.has("layers")) {
      throw new OciFormatException(what + " does not have the fields a " + mediaType + " needs (manifests)");
    }
    List<Descriptor> manifests = OciJson.descriptors(json, "manifests", what);
    Descriptor subject = OciJson.subject(json, what);
    return new Index(mediaType, OciJson.text(json, "artifactType", what), manifests, subject,
        OciJson.stringMap(json, "annotations", what));
  }

  @Override
  public ObjectNode toJson() {
    return OciJson.document(mediaType, artifactType, subject, annotations,
        node -> OciJson.putDescriptors(node, "manifests", manifests));
  }

  @Override
  public byte[] toBytes() {
    return CanonicalJson.compact(toJson());
  }
}
