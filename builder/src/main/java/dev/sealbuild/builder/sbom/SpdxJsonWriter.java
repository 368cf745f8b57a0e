package dev.sealbuild.builder.sbom;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.json.CanonicalJson;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

/**
 * SPDX 2.3 JSON: the image as the package the document describes; every input (package, base image, rootfs,
 * pinned file, local file) as a package of its own ({@code filesAnalyzed: false}: SPDX files belong to an analyzed
 * package, and sealbuild does not list the image's files); relationships from the image to each ({@code CONTAINS},
 * {@code DESCENDANT_OF} its base image) and from the rootfs to the packages preinstalled in it.
 */
final class SpdxJsonWriter {
  static final String IMAGE_ID = "SPDXRef-image";
  private static final String NOASSERTION = "NOASSERTION";
  /**
   * What SPDX tools accept as a download location: a URL whose host is a domain name ending in a 2 to 5 letter
   * top-level domain. A mirror named by IP address or another host name is recorded in the comment instead.
   */
  private static final java.util.regex.Pattern DOWNLOAD_LOCATION = java.util.regex.Pattern.compile(
      "(https?|ftp)://[a-z0-9]+([-.][a-z0-9]+)*\\.[a-z]{2,5}(:[0-9]{1,5})?(/\\S*)?");

  private SpdxJsonWriter() {}

  /** Writes the document to {@code out} as it goes: one package and one relationship at a time. */
  static void write(BillOfMaterials bom, String toolVersion, OutputStream out) throws IOException {
    ObjectNode creation = CanonicalJson.mapper().createObjectNode();
    creation.put("created", Instant.ofEpochSecond(bom.sourceDateEpoch()).toString());
    creation.putArray("creators").add("Tool: sealbuild-" + toolVersion);
    creation.put("licenseListVersion", majorMinor(bom.licenseListVersion()));
    SortedJsonObject.writeIdentified(out, "spdx", id -> new SortedJsonObject()
        .put("spdxVersion", "SPDX-2.3")
        .put("dataLicense", "CC0-1.0")
        .put("SPDXID", "SPDXRef-DOCUMENT")
        .put("name", bom.imageName())
        .put("creationInfo", creation)
        .put("comment", "The inputs of image " + bom.imageName() + " as pinned by its lock (spec " + bom.specDigest()
            + ", lock " + bom.lockDigest() + "), described by sealbuild from the lock and the vendor cache.")
        .put("documentNamespace", "urn:uuid:" + id)
        .stream("packages", g -> {
          g.writeStartArray();
          SortedJsonObject.writeSorted(g, image(bom));
          for (SbomComponent c : bom.components()) {
            SortedJsonObject.writeSorted(g, pkg(c, "SPDXRef-" + c.ref()));
          }
          g.writeEndArray();
        })
        .stream("relationships", g -> {
          g.writeStartArray();
          relationship(g, "SPDXRef-DOCUMENT", "DESCRIBES", IMAGE_ID);
          for (SbomComponent c : bom.components()) {
            String element = "SPDXRef-" + c.ref();
            if (c.containedIn() != null) {
              relationship(g, "SPDXRef-" + c.containedIn(), "CONTAINS", element);
            } else if (c.kind() == SbomComponent.Kind.BASE_IMAGE) {
              relationship(g, IMAGE_ID, "DESCENDANT_OF", element);
            } else {
              relationship(g, IMAGE_ID, "CONTAINS", element);
            }
          }
          g.writeEndArray();
        }));
  }

  private static void relationship(JsonGenerator g, String element, String type, String related) throws IOException {
    g.writeStartObject();
    g.writeStringField("relatedSpdxElement", related);
    g.writeStringField("relationshipType", type);
    g.writeStringField("spdxElementId", element);
    g.writeEndObject();
  }

  private static ObjectNode image(BillOfMaterials bom) {
    ObjectNode p = CanonicalJson.mapper().createObjectNode();
    p.put("SPDXID", IMAGE_ID);
    p.put("name", bom.imageName());
    p.put("downloadLocation", NOASSERTION);
    p.put("filesAnalyzed", false);
    p.put("primaryPackagePurpose", "CONTAINER");
    p.put("licenseConcluded", NOASSERTION);
    p.put("licenseDeclared", NOASSERTION);
    p.put("copyrightText", NOASSERTION);
    p.put("comment", "container image built by sealbuild for platforms "
        + String.join(", ", bom.platforms().stream().map(Object::toString).toList()));
    return p;
  }

  private static ObjectNode pkg(SbomComponent c, String id) {
    ObjectNode p = CanonicalJson.mapper().createObjectNode();
    p.put("SPDXID", id);
    p.put("name", c.name());
    if (c.version() != null) {
      p.put("versionInfo", c.version());
    }
    p.put("supplier", supplier(c.supplier()));
    boolean locatable = c.downloadLocation() != null && DOWNLOAD_LOCATION.matcher(c.downloadLocation()).matches();
    p.put("downloadLocation", locatable ? c.downloadLocation() : NOASSERTION);
    if (c.kind() == SbomComponent.Kind.LOCAL_FILE) {
      p.put("packageFileName", "./" + c.name());
    }
    p.put("filesAnalyzed", false);
    ArrayNode checksums = p.putArray("checksums");
    if (c.sha1() != null) {
      checksums.addObject().put("algorithm", "SHA1").put("checksumValue", c.sha1());
    }
    if (c.sha256() != null) {
      checksums.addObject().put("algorithm", "SHA256").put("checksumValue", c.sha256().hex());
    }
    if (checksums.isEmpty()) {
      p.remove("checksums");
    }
    if (c.homepage() != null) {
      p.put("homepage", c.homepage());
    }
    if (c.summary() != null) {
      p.put("summary", c.summary());
    }
    p.put("licenseConcluded", NOASSERTION);
    StatedLicense license = c.license();
    p.put("licenseDeclared", license == null || license.spdxExpression() == null ? NOASSERTION : license.spdxExpression());
    if (license != null && !license.statement().equals(license.spdxExpression())) {
      p.put("licenseComments", license.source() + " states: " + license.statement());
    }
    p.put("copyrightText", NOASSERTION);
    if (c.purl() != null) {
      p.putArray("externalRefs").addObject().put("referenceCategory", "PACKAGE-MANAGER").put("referenceType", "purl")
          .put("referenceLocator", c.purl());
    }
    String purpose = switch (c.kind()) {
      case BASE_IMAGE -> "CONTAINER";
      case BASE_ROOTFS -> "ARCHIVE";
      case PINNED_FILE, LOCAL_FILE -> "FILE";
      default -> null;
    };
    if (purpose != null) {
      p.put("primaryPackagePurpose", purpose);
    }
    p.put("comment", comment(c) + (c.downloadLocation() != null && !locatable ? "; downloaded from " + c.downloadLocation() : ""));
    return p;
  }

  private static String comment(SbomComponent c) {
    return c.platforms().isEmpty() ? c.note() : c.note() + "; platforms " + String.join(", ", c.platforms());
  }

  /** {@code Person: NAME (EMAIL)}: packages name a maintainer, who may be a person or a team. */
  private static String supplier(Party party) {
    if (party == null) {
      return NOASSERTION;
    }
    return "Person: " + party.name() + (party.email() == null ? "" : " (" + party.email() + ")");
  }

  /** SPDX writes the list version as {@code M.N}. */
  private static String majorMinor(String version) {
    String[] parts = version.split("\\.");
    return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
  }
}
