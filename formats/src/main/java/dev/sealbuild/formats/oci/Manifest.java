package dev.sealbuild.formats.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.json.CanonicalJson;
import java.util.ArrayList;
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
    if (json.get("layers").size() > OciJson.MAX_ENTRIES) {
      throw new OciFormatException(what + " lists " + json.get("layers").size() + " layers, over the limit of "
          + OciJson.MAX_ENTRIES);
    }
    List<Descriptor> layers = new ArrayList<>();
    for (JsonNode layer : json.get("layers")) {
      layers.add(Descriptor.fromJson(layer, what + " layers[" + layers.size() + "]"));
    }
    Descriptor subject = json.hasNonNull("subject") ? Descriptor.fromJson(json.get("subject"), what + " subject") : null;
    return new Manifest(mediaType, OciJson.text(json, "artifactType", what), Descriptor.fromJson(json.get("config"),
        what + " config"), layers, subject, OciJson.stringMap(json, "annotations", what));
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode node = OciJson.MAPPER.createObjectNode();
    OciJson.putStrings(node, "annotations", annotations);
    if (artifactType != null) {
      node.put("artifactType", artifactType);
    }
    node.set("config", config.toJson());
    ArrayNode array = node.putArray("layers");
    layers.forEach(l -> array.add(l.toJson()));
    node.put("mediaType", mediaType.toString());
    node.put("schemaVersion", 2);
    if (subject != null) {
      node.set("subject", subject.toJson());
    }
    return node;
  }

  /** The canonical bytes: compact, keys sorted, UTF-8 (what a built manifest is digested as). */
  @Override
  public byte[] toBytes() {
    return CanonicalJson.compact(toJson());
  }
}
