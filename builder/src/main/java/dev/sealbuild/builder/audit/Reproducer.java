package dev.sealbuild.builder.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.builder.image.BuiltImage;
import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.builder.inspect.LayerEntries;
import dev.sealbuild.builder.inspect.StoredImage;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.oci.ImageConfig;
import dev.sealbuild.formats.oci.PlatformImage;
import dev.sealbuild.formats.io.Printable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** Compares an audited image with an offline rebuild, naming the first differing file (or config key) and why. */
public final class Reproducer {
  private final DecompressionLimits limits;

  public Reproducer(DecompressionLimits limits) {
    this.limits = limits;
  }

  public Reproduction compare(StoredImage audited, BuiltImage rebuilt) throws IOException {
    String rebuiltDigest = rebuilt.digest().toString();
    if (audited.root() != null && audited.root().equals(rebuilt.digest())) {
      return new Reproduction(true, rebuiltDigest, null);
    }
    for (StoredImage.StoredPlatform image : audited.platforms()) {
      BuiltImage.BuiltPlatform mine = rebuilt.platforms().get(image.platform());
      if (mine == null) {
        return new Reproduction(false, rebuiltDigest, "the image has a " + image.platform() + " image, which the rebuild does not");
      }
      String difference = compare(image, mine.image(), rebuilt);
      if (difference != null) {
        return new Reproduction(false, rebuiltDigest, image.platform() + ": " + difference);
      }
    }
    if (audited.root() == null) {
      return new Reproduction(true, rebuiltDigest, null);
    }
    if (audited.platforms().size() != rebuilt.platforms().size()) {
      return new Reproduction(false, rebuiltDigest, "the image has " + audited.platforms().size() + " platforms, the rebuild "
          + rebuilt.platforms().size());
    }
    return new Reproduction(false, rebuiltDigest, "every layer and config matches but the manifest or index differs (annotations or media types)");
  }

  private String compare(StoredImage.StoredPlatform stored, PlatformImage mine, BuiltImage rebuilt) throws IOException {
    PlatformImage image = stored.image();
    int layers = Math.min(image.layers().size(), mine.layers().size());
    for (int i = 0; i < layers; i++) {
      StoredImage.Layer theirs = stored.layers().get(i);
      Descriptor ours = mine.layers().get(i);
      boolean sameTar = theirs.digest().equals(ours.digest()) || theirs.digest().equals(mine.diffIds().get(i));
      if (!sameTar) {
        return "layer " + (i + 1) + ": " + firstDifference(theirs.file(), theirs.mediaType(), rebuilt.blob(ours.digest()), ours.mediaType());
      }
    }
    if (image.layers().size() != mine.layers().size()) {
      return "the image has " + image.layers().size() + " layers, the rebuild " + mine.layers().size()
          + (image.layers().size() > mine.layers().size() ? " (layer " + (layers + 1) + " was added after the build)" : "");
    }
    if (!image.configDescriptor().digest().equals(mine.configDescriptor().digest())) {
      // as written (canonical bytes leave nulls out), like the image's own config
      ImageConfig ours = ImageConfig.parse(Files.readAllBytes(rebuilt.blob(mine.configDescriptor().digest())), "the rebuilt config");
      return "config differs: " + firstDifference("", image.config().toJson(), ours.toJson());
    }
    return null;
  }

  private static String firstDifference(String at, JsonNode theirs, JsonNode ours) {
    if (theirs.isObject() && ours.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      theirs.fieldNames().forEachRemaining(keys::add);
      ours.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        if (!theirs.path(key).equals(ours.path(key))) {
          return firstDifference(at.isEmpty() ? key : at + "." + key, theirs.path(key), ours.path(key));
        }
      }
    }
    return at + " is " + Printable.of(String.valueOf(theirs)) + " in the image, " + Printable.of(String.valueOf(ours)) + " in the rebuild";
  }

  /** One tar entry, reduced to what makes two layers differ. */
  private record Entry(String path, String summary, Sha256 content) {}

  private String firstDifference(Path theirs, String theirType, Path ours, String ourType) throws IOException {
    List<Entry> a = entries(theirs, theirType);
    List<Entry> b = entries(ours, ourType);
    Iterator<Entry> ia = a.iterator();
    Iterator<Entry> ib = b.iterator();
    while (ia.hasNext() && ib.hasNext()) {
      Entry x = ia.next();
      Entry y = ib.next();
      if (!x.path().equals(y.path())) {
        return "/" + x.path() + " is in the image where the rebuild has /" + y.path() + " (an entry was added, removed or reordered)";
      }
      if (x.content() != null && y.content() != null && !x.content().equals(y.content())) {
        return "/" + x.path() + ": content " + x.content() + " in the image, " + y.content() + " in the rebuild";
      }
      if (!x.summary().equals(y.summary())) {
        return "/" + x.path() + ": " + x.summary() + " in the image, " + y.summary() + " in the rebuild";
      }
    }
    if (ia.hasNext()) {
      return "/" + ia.next().path() + " is only in the image";
    }
    if (ib.hasNext()) {
      return "/" + ib.next().path() + " is only in the rebuild";
    }
    return "the same entries, compressed differently";
  }

  private List<Entry> entries(Path file, String mediaType) throws IOException {
    List<Entry> entries = new ArrayList<>();
    LayerEntries.forEach(file, mediaType, file.toString(), limits, (path, link, e, data) -> {
      Sha256 content = dev.sealbuild.formats.tar.TarReader.isRegularFile(e) ? Sha256.hash(data) : null;
      String summary = String.format("type %c mode %04o owner %d:%d mtime %d size %d link %s", (char) e.getLinkFlag(),
          e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(), e.getModTime().toInstant().getEpochSecond(), e.getSize(),
          Printable.of(link));
      entries.add(new Entry(Printable.of(path), summary, content));
    });
    return entries;
  }
}
