package dev.sealbuild.prep.push;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.oci.Index;
import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.formats.oci.OciDocument;
import dev.sealbuild.formats.oci.OciLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What pushing one image of a layout takes, in order: the image (its blobs, then its platform manifests, then its
 * root manifest or index), then every manifest of the layout that refers to it through an OCI 1.1 {@code subject}
 * (and those referring to them). Building a plan reads and verifies every manifest and blob it names, so a corrupt
 * or incomplete layout is refused before anything is sent.
 */
public final class PushPlan {
  /** A blob to make present, and the base image its manifest names ({@code org.opencontainers.image.base.name}) or null. */
  record Blob(Descriptor descriptor, String baseName) {}

  /** A manifest or index and its exact bytes. */
  record Manifest(Descriptor descriptor, byte[] bytes) {}

  /** Blobs first, then manifests with children before parents; the last manifest is the group's own root. */
  record Group(List<Blob> blobs, List<Manifest> manifests) {
    Manifest root() {
      return manifests.get(manifests.size() - 1);
    }
  }

  private static final int MAX_DEPTH = 4;
  private static final String BASE_NAME = "org.opencontainers.image.base.name";

  private final OciLayoutReader layout;
  private final Group image;
  private final List<Group> referrers;

  private PushPlan(OciLayoutReader layout, Group image, List<Group> referrers) {
    this.layout = layout;
    this.image = image;
    this.referrers = List.copyOf(referrers);
  }

  /**
   * Plans pushing the image tagged {@code tag} ({@code org.opencontainers.image.ref.name}) in {@code layout}, or
   * its only image when {@code tag} is null.
   */
  public static PushPlan of(OciLayoutReader layout, String tag) {
    Objects.requireNonNull(layout, "layout");
    return new Builder(layout).build(tag);
  }

  /** The image's root manifest or index: its digest is what a push publishes. */
  public Descriptor root() {
    return image.root().descriptor();
  }

  public String label() {
    return layout.label();
  }

  /** How many manifests (image and referrers) and distinct blobs the plan holds, and the blobs' total size. */
  public String summary() {
    int manifests = image.manifests().size() + referrers.stream().mapToInt(g -> g.manifests().size()).sum();
    List<Blob> blobs = new ArrayList<>(image.blobs());
    referrers.forEach(g -> blobs.addAll(g.blobs()));
    long bytes = blobs.stream().mapToLong(b -> b.descriptor().size()).sum();
    return manifests + " manifest" + (manifests == 1 ? "" : "s") + " and " + blobs.size() + " blob" + (blobs.size() == 1 ? "" : "s")
        + " (" + bytes + " bytes)" + (referrers.isEmpty() ? "" : ", " + referrers.size() + " referrer" + (referrers.size() == 1 ? "" : "s"));
  }

  OciLayoutReader layout() {
    return layout;
  }

  Group image() {
    return image;
  }

  List<Group> referrers() {
    return referrers;
  }

  private static final class Builder {
    private final OciLayoutReader layout;
    private final Map<Sha256, OciDocument> documents = new HashMap<>();
    private final Map<Sha256, byte[]> bytes = new HashMap<>();
    private final Set<Sha256> plannedManifests = new HashSet<>();
    private final Set<Sha256> plannedBlobs = new HashSet<>();

    Builder(OciLayoutReader layout) {
      this.layout = layout;
    }

    PushPlan build(String tag) {
      Descriptor chosen = select(tag);
      Group image = group(chosen);
      Set<Sha256> subjects = image.manifests().stream().map(m -> m.descriptor().digest()).collect(Collectors.toCollection(HashSet::new));
      List<Group> referrers = new ArrayList<>();
      for (boolean grew = true; grew; ) {
        grew = false;
        for (Descriptor entry : layout.entries()) {
          if (plannedManifests.contains(entry.digest()) || !MediaType.isManifestOrIndex(entry.mediaType())) {
            continue;
          }
          Sha256 subject = subject(document(entry));
          if (subject != null && subjects.contains(subject)) {
            Group referrer = group(entry);
            referrer.manifests().forEach(m -> subjects.add(m.descriptor().digest()));
            referrers.add(referrer);
            grew = true;
          }
        }
      }
      return new PushPlan(layout, image, referrers);
    }

    private Descriptor select(String tag) {
      List<Descriptor> entries = layout.entries();
      if (entries.isEmpty()) {
        throw new PushException(layout.label() + " holds no image: its index.json lists none");
      }
      String tags = entries.stream().map(Builder::tag).filter(Objects::nonNull).distinct().sorted()
          .collect(Collectors.joining(", "));
      String tagHint = tags.isEmpty() ? "it has no tags" : "its tags: " + tags;
      List<Descriptor> candidates;
      if (tag != null) {
        candidates = entries.stream().filter(e -> tag.equals(tag(e))).toList();
        if (candidates.isEmpty()) {
          throw new PushException(layout.label() + " has no image tagged '" + tag + "' (" + tagHint + ")");
        }
      } else {
        candidates = entries.size() == 1 ? entries
            : entries.stream().filter(e -> !MediaType.isManifestOrIndex(e.mediaType()) || subject(document(e)) == null).toList();
      }
      if (candidates.stream().map(Descriptor::digest).distinct().count() != 1) {
        throw new PushException(layout.label() + " holds " + candidates.size() + " images"
            + (tag != null ? " tagged '" + tag + "'" : "") + ": name one as " + layout.label() + ":TAG (" + tagHint + ")");
      }
      Descriptor entry = candidates.get(0);
      if (!MediaType.isManifestOrIndex(entry.mediaType())) {
        throw new PushException(layout.label() + ": the image" + (tag != null ? " tagged '" + tag + "'" : "") + " has media type "
            + entry.mediaType() + ": only OCI and Docker v2 manifests and indexes can be pushed");
      }
      return entry;
    }

    private static String tag(Descriptor entry) {
      return entry.annotations().get(OciLayout.REF_NAME);
    }

    private static Sha256 subject(OciDocument document) {
      return document.subject() == null ? null : document.subject().digest();
    }

    /** Plans {@code entry} with everything it needs that is not planned yet, verifying every blob. */
    private Group group(Descriptor entry) {
      Map<Sha256, Blob> blobs = new LinkedHashMap<>();
      List<Manifest> manifests = new ArrayList<>();
      collect(entry, entry.annotations().get(BASE_NAME), 0, blobs, manifests);
      for (Blob blob : blobs.values()) {
        layout.verify(blob.descriptor(), "blob");
      }
      return new Group(List.copyOf(blobs.values()), List.copyOf(manifests));
    }

    private void collect(Descriptor descriptor, String inheritedBase, int depth, Map<Sha256, Blob> blobs, List<Manifest> manifests) {
      if (depth > MAX_DEPTH) {
        throw new PushException(layout.label() + ": indexes nest deeper than " + MAX_DEPTH + " levels at " + descriptor.digest());
      }
      if (!plannedManifests.add(descriptor.digest())) {
        return;
      }
      OciDocument document = document(descriptor);
      String base = document.annotations().getOrDefault(BASE_NAME, inheritedBase);
      if (document instanceof Index index) {
        for (Descriptor child : index.manifests()) {
          collect(child, base, depth + 1, blobs, manifests);
        }
      } else if (document instanceof dev.sealbuild.formats.oci.Manifest manifest) {
        List<Descriptor> needed = new ArrayList<>(List.of(manifest.config()));
        needed.addAll(manifest.layers());
        for (Descriptor blob : needed) {
          if (plannedBlobs.add(blob.digest())) {
            blobs.put(blob.digest(), new Blob(blob, base));
          }
        }
      }
      manifests.add(new Manifest(descriptor, bytes.get(descriptor.digest())));
    }

    private OciDocument document(Descriptor descriptor) {
      OciDocument known = documents.get(descriptor.digest());
      if (known != null) {
        if (!known.mediaType().toString().equals(descriptor.mediaType())) {
          throw new PushException(layout.label() + ": manifest " + descriptor.digest() + " is described as both " + known.mediaType()
              + " and " + descriptor.mediaType());
        }
        return known;
      }
      String what = MediaType.isIndexType(descriptor.mediaType()) ? "index" : "manifest";
      String where = layout.label() + " " + what + " " + descriptor.digest();
      if (!MediaType.isManifestOrIndex(descriptor.mediaType())) {
        throw new PushException(where + " has media type " + descriptor.mediaType()
            + ": only OCI and Docker v2 manifests and indexes can be pushed");
      }
      byte[] read = layout.readManifest(descriptor, what);
      OciDocument document = OciLayoutReader.oci(() -> OciDocument.parse(read, descriptor.mediaType(), where));
      if (document instanceof Index index) {
        for (int i = 0; i < index.manifests().size(); i++) {
          if (!MediaType.isManifestOrIndex(index.manifests().get(i).mediaType())) {
            throw new PushException(where + " manifests[" + i + "] has media type " + index.manifests().get(i).mediaType()
                + ": an index may list only manifests and indexes");
          }
        }
      }
      documents.put(descriptor.digest(), document);
      bytes.put(descriptor.digest(), read);
      return document;
    }
  }
}
