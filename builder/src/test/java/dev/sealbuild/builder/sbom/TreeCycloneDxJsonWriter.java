package dev.sealbuild.builder.sbom;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.json.CanonicalJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SBOM writer as it was before it streamed: the whole document as a JSON tree, rendered at once. Kept as the
 * reference the streaming writer must match byte for byte.
 */
final class TreeCycloneDxJsonWriter {
  static final String IMAGE_REF = "image";

  private TreeCycloneDxJsonWriter() {}

  static byte[] write(BillOfMaterials bom, String toolVersion) {
    ObjectNode doc = CanonicalJson.mapper().createObjectNode();
    doc.put("bomFormat", "CycloneDX");
    doc.put("specVersion", "1.5");
    doc.put("version", 1);
    ObjectNode metadata = doc.putObject("metadata");
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

    ArrayNode components = doc.putArray("components");
    Map<String, List<String>> dependsOn = new LinkedHashMap<>();
    dependsOn.put(IMAGE_REF, new ArrayList<>());
    for (SbomComponent c : bom.components()) {
      components.add(component(c));
      dependsOn.computeIfAbsent(c.containedIn() == null ? IMAGE_REF : c.containedIn(), k -> new ArrayList<>()).add(c.ref());
    }
    ArrayNode dependencies = doc.putArray("dependencies");
    dependsOn.forEach((ref, refs) -> {
      ObjectNode d = dependencies.addObject().put("ref", ref);
      ArrayNode on = d.putArray("dependsOn");
      refs.forEach(on::add);
    });
    doc.put("serialNumber", "urn:uuid:" + new java.util.UUID(0, 0));
    doc.put("serialNumber", "urn:uuid:" + DocumentIds.of("cyclonedx", dev.sealbuild.formats.digest.Sha256.hash(CanonicalJson.compact(doc))));
    return CanonicalJson.pretty(doc);
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
