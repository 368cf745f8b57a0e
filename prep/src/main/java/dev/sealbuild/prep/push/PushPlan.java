package dev.sealbuild.prep.push;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.registry.Descriptor;
import dev.sealbuild.prep.registry.MediaTypes;
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
    private final Map<Sha256, LayoutDocument> documents = new HashMap<>();
    private final Map<Sha256, byte[]> bytes = new HashMap<>();
    private final Set<Sha256> plannedManifests = new HashSet<>();
    private final Set<Sha256> plannedBlobs = new HashSet<>();

    Builder(OciLayoutReader layout) {
      this.layout = layout;
    }

    PushPlan build(String tag) {
      LayoutDocument.Entry chosen = select(tag);
      Group image = group(chosen);
      Set<Sha256> subjects = image.manifests().stream().map(m -> m.descriptor().digest()).collect(Collectors.toCollection(HashSet::new));
      List<Group> referrers = new ArrayList<>();
      for (boolean grew = true; grew; ) {
        grew = false;
        for (LayoutDocument.Entry entry : layout.entries()) {
          Descriptor descriptor = entry.descriptor();
          if (plannedManifests.contains(descriptor.digest()) || !MediaTypes.ACCEPTED.contains(descriptor.mediaType())) {
            continue;
          }
          Sha256 subject = document(descriptor).subject();
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

    private LayoutDocument.Entry select(String tag) {
      List<LayoutDocument.Entry> entries = layout.entries();
      if (entries.isEmpty()) {
        throw new PushException(layout.label() + " holds no image: its index.json lists none");
      }
      String tags = entries.stream().map(LayoutDocument.Entry::tag).filter(Objects::nonNull).distinct().sorted()
          .collect(Collectors.joining(", "));
      String tagHint = tags.isEmpty() ? "it has no tags" : "its tags: " + tags;
      List<LayoutDocument.Entry> candidates;
      if (tag != null) {
        candidates = entries.stream().filter(e -> tag.equals(e.tag())).toList();
        if (candidates.isEmpty()) {
          throw new PushException(layout.label() + " has no image tagged '" + tag + "' (" + tagHint + ")");
        }
      } else {
        candidates = entries.size() == 1 ? entries
            : entries.stream().filter(e -> !MediaTypes.ACCEPTED.contains(e.descriptor().mediaType()) || document(e.descriptor()).subject() == null).toList();
      }
      if (candidates.stream().map(e -> e.descriptor().digest()).distinct().count() != 1) {
        throw new PushException(layout.label() + " holds " + candidates.size() + " images"
            + (tag != null ? " tagged '" + tag + "'" : "") + ": name one as " + layout.label() + ":TAG (" + tagHint + ")");
      }
      LayoutDocument.Entry entry = candidates.get(0);
      if (!MediaTypes.ACCEPTED.contains(entry.descriptor().mediaType())) {
        throw new PushException(layout.label() + ": the image" + (tag != null ? " tagged '" + tag + "'" : "") + " has media type "
            + entry.descriptor().mediaType() + ": only OCI and Docker v2 manifests and indexes can be pushed");
      }
      return entry;
    }

    /** Plans {@code entry} with everything it needs that is not planned yet, verifying every blob. */
    private Group group(LayoutDocument.Entry entry) {
      Map<Sha256, Blob> blobs = new LinkedHashMap<>();
      List<Manifest> manifests = new ArrayList<>();
      collect(entry.descriptor(), entry.annotations().get(LayoutDocument.BASE_NAME), 0, blobs, manifests);
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
      LayoutDocument document = document(descriptor);
      String base = document.annotations().getOrDefault(LayoutDocument.BASE_NAME, inheritedBase);
      if (document.isIndex()) {
        for (Descriptor child : document.manifests()) {
          collect(child, base, depth + 1, blobs, manifests);
        }
      } else {
        for (Descriptor blob : document.blobs()) {
          if (plannedBlobs.add(blob.digest())) {
            blobs.put(blob.digest(), new Blob(blob, base));
          }
        }
      }
      manifests.add(new Manifest(descriptor, bytes.get(descriptor.digest())));
    }

    private LayoutDocument document(Descriptor descriptor) {
      LayoutDocument known = documents.get(descriptor.digest());
      if (known != null) {
        if (!known.mediaType().equals(descriptor.mediaType())) {
          throw new PushException(layout.label() + ": manifest " + descriptor.digest() + " is described as both " + known.mediaType()
              + " and " + descriptor.mediaType());
        }
        return known;
      }
      String what = MediaTypes.isIndex(descriptor.mediaType()) ? "index" : "manifest";
      byte[] read = layout.readManifest(descriptor, what);
      LayoutDocument document = LayoutDocument.parse(read, descriptor.mediaType(), layout.label() + " " + what + " " + descriptor.digest());
      documents.put(descriptor.digest(), document);
      bytes.put(descriptor.digest(), read);
      return document;
    }
  }
}
