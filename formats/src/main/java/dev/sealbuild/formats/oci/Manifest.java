package dev.sealbuild.formats.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.json.CanonicalJson;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An image manifest (OCI or Docker v2): a config and layers, lowest first; an OCI 1.1 artifact also has an
 * {@code artifactType} and a {@code subject}. Serialized canonically by {@link #toBytes()}; a fetched manifest is
 * parsed for reading only, its own bytes are what is digested and pushed.
 *
 * @param artifactType null for an image
 * @param subject null unless this manifest refers to another one
 */
public record Manifest(MediaType mediaType, String artifactType, Descriptor config, List<Descriptor> layers,
    Descriptor subject, Map<String, String> annotations) implements OciDocument {
  public Manifest {
    if (!Objects.requireNonNull(mediaType, "mediaType").isManifest()) {
      throw new OciFormatException("a manifest cannot have media type " + mediaType);
    }
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /** An OCI image manifest. */
  public static Manifest image(Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
    return new Manifest(MediaType.OCI_MANIFEST, null, config, layers, null, annotations);
  }

  static Manifest fromJson(MediaType mediaType, JsonNode json, String what) {
    if (!json.path("config").isObject() || !json.path("layers").isArray() || json.has("manifests")) {
      throw new OciFormatException(what + " does not have the fields a " + mediaType + " needs (config, layers)");
    }
    List<Descriptor> layers = OciJson.descriptors(json, "layers", what);
    Descriptor subject = OciJson.subject(json, what);
    return new Manifest(mediaType, OciJson.text(json, "artifactType", what), Descriptor.fromJson(json.get("config"),
        what + " config"), layers, subject, OciJson.stringMap(json, "annotations", what));
  }

  @Override
  public ObjectNode toJson() {
    return OciJson.document(mediaType, artifactType, subject, annotations, node -> {
      node.set("config", config.toJson());
      OciJson.putDescriptors(node, "layers", layers);
    });
  }

  /** The canonical bytes: compact, keys sorted, UTF-8 (what a built manifest is digested as). */
  @Override
  public byte[] toBytes() {
    return CanonicalJson.compact(toJson());
  }
}
