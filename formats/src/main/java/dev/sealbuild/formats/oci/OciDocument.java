package dev.sealbuild.formats.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A manifest or an index: what a registry serves for a reference, or a layout's blob a descriptor points at. */
public sealed interface OciDocument permits Manifest, Index {
  MediaType mediaType();

  /** The manifest this document refers to (an OCI 1.1 referrer), or null. */
  Descriptor subject();

  java.util.Map<String, String> annotations();

  ObjectNode toJson();

  byte[] toBytes();

  /**
   * Parses a manifest or an index. {@code declared} is what a descriptor or a Content-Type said (null or empty when
   * unknown); the document's own {@code mediaType}, when present, must agree with it. A document with both
   * {@code manifests} and {@code layers}/{@code config} is refused as ambiguous. Errors are one line naming
   * {@code what}.
   */
  static OciDocument parse(byte[] bytes, String declared, String what) {
    ObjectNode json = OciJson.object(bytes, what);
    if (json.has("manifests") && (json.has("layers") || json.has("config"))) {
      throw new OciFormatException(what + " has both 'manifests' and 'layers'/'config': refusing an ambiguous document");
    }
    OciJson.checkSchemaVersion(json, what);
    String own = OciJson.text(json, "mediaType", what);
    MediaType declaredType = declared == null ? null
        : MediaType.find(declared).filter(t -> t.isIndex() || t.isManifest()).orElse(null);
    if (own != null && !own.isEmpty() && declaredType != null && !own.equals(declaredType.toString())) {
      throw new OciFormatException(what + " says mediaType " + OciJson.printable(own) + " but was served/described as "
          + declared);
    }
    MediaType type;
    if (own != null && !own.isEmpty()) {
      type = MediaType.find(own).filter(t -> t.isIndex() || t.isManifest())
          .orElseThrow(() -> new OciFormatException(what + " has unsupported media type " + OciJson.printable(own)
              + ": sealbuild reads OCI and Docker v2 manifests and indexes"));
    } else if (declaredType != null) {
      type = declaredType;
    } else {
      type = json.has("manifests") ? MediaType.OCI_INDEX : MediaType.OCI_MANIFEST;
    }
    return type.isIndex() ? Index.fromJson(type, json, what) : Manifest.fromJson(type, json, what);
  }

  /** Parses a document that must be a manifest. */
  static Manifest parseManifest(byte[] bytes, String declared, String what) {
    if (parse(bytes, declared, what) instanceof Manifest manifest) {
      return manifest;
    }
    throw new OciFormatException(what + " is an index where an image manifest was expected");
  }

  /** Parses a document that must be an index. */
  static Index parseIndex(byte[] bytes, String declared, String what) {
    if (parse(bytes, declared, what) instanceof Index index) {
      return index;
    }
    throw new OciFormatException(what + " is an image manifest where an index was expected");
  }
}
