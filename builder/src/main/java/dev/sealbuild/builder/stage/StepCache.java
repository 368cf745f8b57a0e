package dev.sealbuild.builder.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.layer.LayerBlob;
import dev.sealbuild.builder.layer.LayerWriter;
import dev.sealbuild.builder.layercache.LayerCache;
import dev.sealbuild.builder.step.ChangeSet;
import dev.sealbuild.formats.compress.DecompressionLimits;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Step results in the layer cache. A step's change set is stored as a layer blob (its added and changed entries)
 * plus a fact naming its directories and deletions (a tar cannot tell a changed directory from an implicit parent,
 * nor carry a deletion that must not become a whiteout). The key is the tree before the step and the step's
 * fingerprint, so a hit is exactly what running the step again would have applied to this tree.
 */
public final class StepCache {
  private final LayerCache layers;
  private final LayerWriter writer;
  private final ContentSpool spool;
  private final Path scratch;
  private final long epoch;
  private final DecompressionLimits limits;
  private final Consumer<String> progress;

  public StepCache(LayerCache layers, LayerWriter writer, ContentSpool spool, Path scratch, long epoch,
      DecompressionLimits limits, Consumer<String> progress) {
    this.layers = layers;
    this.writer = writer;
    this.spool = spool;
    this.scratch = scratch;
    this.epoch = epoch;
    this.limits = limits;
    this.progress = progress;
  }

  public Sha256 key(Sha256 treeBefore, Object stepFingerprint) {
    return Sha256.hash(CanonicalJson.compact(Map.of("step-cache", 1, "tree", String.valueOf(treeBefore),
        "step", stepFingerprint)));
  }

  public Optional<ChangeSet> lookup(Sha256 key, String label) throws IOException {
    Optional<JsonNode> fact = layers.fact(factKey(key));
    if (fact.isEmpty() || !fact.get().isObject()) {
      return Optional.empty();
    }
    ImageTree tree = new ImageTree("cached step", epoch, Long.MAX_VALUE);
    if (layers.readInto(key, tree, new TarIngest(spool), scratch, limits, epoch, "cached result of " + label).isEmpty()) {
      return Optional.empty();
    }
    List<ChangeSet.Change> changes = new ArrayList<>();
    java.util.Set<String> directories = new java.util.HashSet<>(strings(fact.get().get("directories")));
    for (var e : tree.currentLayer().entries().entrySet()) {
      if (!(e.getValue() instanceof Node.Directory) || directories.contains(e.getKey().value())) {
        changes.add(new ChangeSet.Change(e.getKey(), e.getValue()));
      }
    }
    for (String deleted : strings(fact.get().get("deleted"))) {
      changes.add(new ChangeSet.Change(new EntryPath(deleted), null));
    }
    progress.accept("reusing " + label + " (" + changes.size() + " changes, cached)");
    return Optional.of(new ChangeSet(changes));
  }

  public void store(Sha256 key, ChangeSet changes, String label) throws IOException {
    if (!layers.enabled()) {
      return;
    }
    ImageTree tree = new ImageTree("step", epoch, Long.MAX_VALUE);
    ObjectNode fact = CanonicalJson.mapper().createObjectNode();
    ArrayNode directories = fact.putArray("directories");
    ArrayNode deleted = fact.putArray("deleted");
    for (ChangeSet.Change change : changes.changes()) {
      Node node = change.node();
      EntryPath path = change.path();
      if (node == null) {
        deleted.add(path.value());
      } else if (node instanceof Node.Directory) {
        directories.add(path.value());
        tree.addDirectory(path, node.meta());
      } else if (node instanceof Node.RegularFile f) {
        tree.addFile(path, node.meta(), f.content());
      } else if (node instanceof Node.Symlink s) {
        tree.addSymlink(path, node.meta(), s.target());
      } else if (node instanceof Node.Special s) {
        tree.addSpecial(path, node.meta(), s.kind(), s.devMajor(), s.devMinor());
      }
    }
    Path file = Files.createTempFile(scratch, "step", ".tar");
    try {
      LayerBlob blob = writer.write(tree.currentLayer(), tree, file, label);
      layers.putFact(factKey(key), fact);
      layers.store(key, blob, tree.currentLayer().entries().size());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static Sha256 factKey(Sha256 key) {
    return Sha256.hash(CanonicalJson.compact(Map.of("fact", "step-changes", "step", key.toString())));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
