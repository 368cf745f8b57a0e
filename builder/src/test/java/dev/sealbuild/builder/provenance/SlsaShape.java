package dev.sealbuild.builder.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A structural check of an in-toto Statement v1 (https://github.com/in-toto/attestation/tree/main/spec/v1)
 * carrying a SLSA Provenance v1 predicate (https://slsa.dev/spec/v1.0/provenance): required fields, field
 * types, no unknown fields except SLSA extension fields ({@code vendor_field}). Returns every violation.
 */
final class SlsaShape {
  private static final Set<String> STATEMENT = Set.of("_type", "subject", "predicateType", "predicate");
  private static final Set<String> RESOURCE_DESCRIPTOR = Set.of("uri", "digest", "name", "downloadLocation", "mediaType",
      "content", "annotations");
  private static final Set<String> PROVENANCE = Set.of("buildDefinition", "runDetails");
  private static final Set<String> BUILD_DEFINITION = Set.of("buildType", "externalParameters", "internalParameters",
      "resolvedDependencies");
  private static final Set<String> RUN_DETAILS = Set.of("builder", "metadata", "byproducts");
  private static final Set<String> BUILDER = Set.of("id", "version", "builderDependencies");
  private static final Set<String> METADATA = Set.of("invocationId", "startedOn", "finishedOn");

  private final List<String> violations = new ArrayList<>();

  private SlsaShape() {}

  static List<String> violations(JsonNode statement) {
    SlsaShape shape = new SlsaShape();
    shape.statement(statement);
    return shape.violations;
  }

  private void statement(JsonNode s) {
    if (!object(s, "statement", STATEMENT)) {
      return;
    }
    if (!"https://in-toto.io/Statement/v1".equals(s.path("_type").asText(null))) {
      violations.add("_type must be https://in-toto.io/Statement/v1");
    }
    JsonNode subject = s.get("subject");
    if (subject == null || !subject.isArray() || subject.isEmpty()) {
      violations.add("subject must be a non-empty array");
    } else {
      for (int i = 0; i < subject.size(); i++) {
        resourceDescriptor(subject.get(i), "subject[" + i + "]");
        if (subject.get(i).path("digest").isEmpty()) {
          violations.add("subject[" + i + "] must have a digest");
        }
      }
    }
    if (!"https://slsa.dev/provenance/v1".equals(s.path("predicateType").asText(null))) {
      violations.add("predicateType must be https://slsa.dev/provenance/v1");
    }
    provenance(s.get("predicate"));
  }

  private void provenance(JsonNode p) {
    if (!required(p, "predicate") || !object(p, "predicate", PROVENANCE)) {
      return;
    }
    JsonNode definition = p.get("buildDefinition");
    if (required(definition, "buildDefinition") && object(definition, "buildDefinition", BUILD_DEFINITION)) {
      uri(definition.get("buildType"), "buildDefinition.buildType", true);
      if (definition.get("externalParameters") == null || !definition.get("externalParameters").isObject()) {
        violations.add("buildDefinition.externalParameters must be an object");
      }
      if (definition.has("internalParameters") && !definition.get("internalParameters").isObject()) {
        violations.add("buildDefinition.internalParameters must be an object");
      }
      descriptors(definition.get("resolvedDependencies"), "buildDefinition.resolvedDependencies");
    }
    JsonNode run = p.get("runDetails");
    if (required(run, "runDetails") && object(run, "runDetails", RUN_DETAILS)) {
      JsonNode builder = run.get("builder");
      if (required(builder, "runDetails.builder") && object(builder, "runDetails.builder", BUILDER)) {
        uri(builder.get("id"), "runDetails.builder.id", true);
        JsonNode version = builder.get("version");
        if (version != null && (!version.isObject() || !allText(version))) {
          violations.add("runDetails.builder.version must map strings to strings");
        }
        descriptors(builder.get("builderDependencies"), "runDetails.builder.builderDependencies");
      }
      JsonNode metadata = run.get("metadata");
      if (metadata != null && object(metadata, "runDetails.metadata", METADATA)) {
        timestamp(metadata.get("startedOn"), "runDetails.metadata.startedOn");
        timestamp(metadata.get("finishedOn"), "runDetails.metadata.finishedOn");
      }
      descriptors(run.get("byproducts"), "runDetails.byproducts");
    }
  }

  private void descriptors(JsonNode array, String where) {
    if (array == null) {
      return;
    }
    if (!array.isArray()) {
      violations.add(where + " must be an array");
      return;
    }
    for (int i = 0; i < array.size(); i++) {
      resourceDescriptor(array.get(i), where + "[" + i + "]");
    }
  }

  private void resourceDescriptor(JsonNode d, String where) {
    if (!object(d, where, RESOURCE_DESCRIPTOR)) {
      return;
    }
    if (!d.has("uri") && !d.has("digest") && !d.has("content")) {
      violations.add(where + " needs one of uri, digest, content");
    }
    uri(d.get("uri"), where + ".uri", false);
    uri(d.get("downloadLocation"), where + ".downloadLocation", false);
    JsonNode digest = d.get("digest");
    if (digest != null) {
      if (!digest.isObject() || digest.isEmpty() || !allText(digest)) {
        violations.add(where + ".digest must be a non-empty map of algorithm to hex");
      } else if (digest.has("sha256") && !digest.get("sha256").asText().matches("[0-9a-f]{64}")) {
        violations.add(where + ".digest.sha256 must be 64 lowercase hex characters");
      }
    }
    for (String text : List.of("name", "mediaType", "content")) {
      if (d.has(text) && !d.get(text).isTextual()) {
        violations.add(where + "." + text + " must be a string");
      }
    }
    if (d.has("annotations") && !d.get("annotations").isObject()) {
      violations.add(where + ".annotations must be an object");
    }
  }

  /** An object whose fields are the known ones or SLSA extension fields ({@code vendor_name}). */
  private boolean object(JsonNode node, String where, Set<String> known) {
    if (!node.isObject()) {
      violations.add(where + " must be an object");
      return false;
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      boolean extension = name.matches("[A-Za-z0-9]+_[A-Za-z0-9]+");
      if (!known.contains(name) && !extension) {
        violations.add(where + " has unknown field '" + name + "'");
      }
    }
    return true;
  }

  private boolean required(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      violations.add(where + " is required");
      return false;
    }
    return true;
  }

  private void uri(JsonNode node, String where, boolean required) {
    if (node == null) {
      if (required) {
        violations.add(where + " is required");
      }
      return;
    }
    try {
      if (!node.isTextual() || new URI(node.asText()).getScheme() == null) {
        violations.add(where + " must be an absolute URI");
      }
    } catch (URISyntaxException e) {
      violations.add(where + " is not a URI: " + e.getMessage());
    }
  }

  private void timestamp(JsonNode node, String where) {
    if (node == null) {
      return;
    }
    try {
      OffsetDateTime.parse(node.asText());
    } catch (DateTimeParseException e) {
      violations.add(where + " must be an RFC 3339 timestamp");
    }
  }

  private static boolean allText(JsonNode object) {
    for (JsonNode value : object) {
      if (!value.isTextual()) {
        return false;
      }
    }
    return true;
  }
}
