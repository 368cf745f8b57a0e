package dev.sealbuild.builder.sbom;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.json.CanonicalJson;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CycloneDX 1.5 JSON: the image as the metadata's component ({@code container}); packages as {@code library}
 * components, the base image as a {@code container}, the rootfs, pinned and local files as {@code file}s; the
 * image depends on each, the rootfs on the packages preinstalled in it.
 */
final class CycloneDxJsonWriter {
  static final String IMAGE_REF = "image";

  private CycloneDxJsonWriter() {}

  /** Writes the document to {@code out} as it goes: one component at a time. */
  static void write(BillOfMaterials bom, String toolVersion, OutputStream out) throws IOException {
    ObjectNode metadata = CanonicalJson.mapper().createObjectNode();
    metadata.put("timestamp", Instant.ofEpochSecond(bom.sourceDateEpoch()).toString());
    metadata.putObject("tools").putArray("components").addObject()
        .put("type", "application").put("name", "sealbuild").put("version", toolVersion);
    ObjectNode image = metadata.putObject("component");
    image.put("type", "container");
    image.put("bom-ref", IMAGE_REF);
    image.put("name", bom.imageName());
    ArrayNode imageProperties = image.putArray("properties");
    bom.platforms().forEach(p -> property(imageProperties, "sealbuild:platform", p.toString()));
    ArrayNode properties = metadata.putArray("properties");
    property(properties, "sealbuild:spec-digest", bom.specDigest().toString());
    property(properties, "sealbuild:lock-digest", bom.lockDigest().toString());

    // Refs only: the strings the components already hold.
    Map<String, List<String>> dependsOn = new LinkedHashMap<>();
    dependsOn.put(IMAGE_REF, new ArrayList<>());
    for (SbomComponent c : bom.components()) {
      dependsOn.computeIfAbsent(c.containedIn() == null ? IMAGE_REF : c.containedIn(), k -> new ArrayList<>()).add(c.ref());
    }
    SortedJsonObject.writeIdentified(out, "cyclonedx", id -> new SortedJsonObject()
        .put("bomFormat", "CycloneDX")
        .put("specVersion", "1.5")
        .put("version", IntNode.valueOf(1))
        .put("metadata", metadata)
        .put("serialNumber", "urn:uuid:" + id)
        .stream("components", g -> {
          g.writeStartArray();
          for (SbomComponent c : bom.components()) {
            SortedJsonObject.writeSorted(g, component(c));
          }
          g.writeEndArray();
        })
        .stream("dependencies", g -> {
          g.writeStartArray();
          for (Map.Entry<String, List<String>> d : dependsOn.entrySet()) {
            g.writeStartObject();
            g.writeArrayFieldStart("dependsOn");
            for (String ref : d.getValue()) {
              g.writeString(ref);
            }
            g.writeEndArray();
            g.writeStringField("ref", d.getKey());
            g.writeEndObject();
          }
          g.writeEndArray();
        }));
  }

  private static ObjectNode component(SbomComponent c) {
    ObjectNode o = CanonicalJson.mapper().createObjectNode();
    o.put("type", switch (c.kind()) {
      case PACKAGE, BASE_PACKAGE -> "library";
      case BASE_IMAGE -> "container";
      case BASE_ROOTFS, PINNED_FILE, LOCAL_FILE -> "file";
    });
    o.put("bom-ref", c.ref());
    if (c.supplier() != null) {
      // As the package states it: CycloneDX's email format is checked against a list of top-level domains that
      // maintainers' addresses do not always keep to, and a document a validator rejects is worse than a plain name.
      o.putObject("supplier").put("name", c.supplier().stated());
    }
    o.put("name", c.name());
    if (c.version() != null) {
      o.put("version", c.version());
    }
    if (c.summary() != null) {
      o.put("description", c.summary());
    }
    ArrayNode hashes = o.putArray("hashes");
    if (c.sha1() != null) {
      hashes.addObject().put("alg", "SHA-1").put("content", c.sha1());
    }
    if (c.sha256() != null) {
      hashes.addObject().put("alg", "SHA-256").put("content", c.sha256().hex());
    }
    if (hashes.isEmpty()) {
      o.remove("hashes");
    }
    StatedLicense license = c.license();
    if (license != null) {
      ArrayNode licenses = o.putArray("licenses");
      if (license.spdxExpression() != null) {
        licenses.addObject().put("expression", license.spdxExpression());
      } else {
        licenses.addObject().putObject("license").put("name", license.statement());
      }
    }
    if (c.purl() != null) {
      o.put("purl", c.purl());
    }
    ArrayNode references = o.putArray("externalReferences");
    if (c.downloadLocation() != null) {
      references.addObject().put("type", "distribution").put("url", c.downloadLocation());
    }
    if (c.homepage() != null) {
      references.addObject().put("type", "website").put("url", c.homepage());
    }
    if (references.isEmpty()) {
      o.remove("externalReferences");
    }
    ArrayNode properties = o.putArray("properties");
    property(properties, "sealbuild:source", c.note());
    if (license != null) {
      property(properties, "sealbuild:license-stated", license.source() + ": " + license.statement());
    }
    c.platforms().forEach(p -> property(properties, "sealbuild:platform", p));
    return o;
  }

  private static void property(ArrayNode properties, String name, String value) {
    properties.addObject().put("name", name).put("value", value);
  }
}
