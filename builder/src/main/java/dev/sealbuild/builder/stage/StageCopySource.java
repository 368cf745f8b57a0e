package dev.sealbuild.builder.stage;

import dev.sealbuild.builder.accounts.AccountTables;
import dev.sealbuild.lockfiles.spec.Owner;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.source.Fingerprints;
import dev.sealbuild.builder.source.LayerSource;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.UserError;
import dev.sealbuild.lockfiles.spec.CopyEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.sealbuild.builder.step.ChangeSet;
import dev.sealbuild.formats.digest.Sha256;

/**
 * A {@code copy:} entry with {@code from: STAGE}: a path of that stage's finished tree (resolved inside the stage, as
 * a chroot would) copied to {@code dest}. A directory is copied with everything below it; symlinks stay symlinks; file
 * contents are shared with the stage, so the audit still sees which package or step made them. Owners are the
 * entry's ({@code root} unless {@code owner} says otherwise), modes the stage's unless {@code mode} says otherwise,
 * mtimes the epoch.
 */
public final class StageCopySource implements LayerSource {
  private final int index;
  private final CopyEntry entry;
  private final StageResult stage;
  private final long epoch;
  private final StepCache cache;

  /**
   * With {@code cache}, what the copy takes from the stage is kept under the stage's key, so a later build whose stage
   * is unchanged copies it without building the stage at all.
   */
  public StageCopySource(int index, CopyEntry entry, StageResult stage, long epoch, StepCache cache) {
    this.index = index;
    this.entry = entry;
    this.stage = stage;
    this.epoch = epoch;
    this.cache = cache;
  }

  @Override
  public String describe() {
    return "copy[" + index + "] from stage " + stage.name() + " " + entry.src();
  }

  @Override
  public Object fingerprint() throws IOException {
    return Fingerprints.of("copy-from-stage", "entry", entry, "stage", stage.key().toString());
  }

  @Override
  public void addTo(ImageTree tree) throws IOException {
    Sha256 key = cache.key(stage.key(), Fingerprints.of("copy-from-stage", "entry", entry, "epoch", epoch));
    Optional<ChangeSet> cached = cache.lookup(key, describe());
    List<ChangeSet.Change> taken;
    if (cached.isPresent()) {
      taken = cached.get().changes();
    } else {
      taken = take();
      cache.store(key, new ChangeSet(taken), describe());
    }
    Owner owner = AccountTables.numeric(entry.owner(), tree, describe());
    if (!taken.isEmpty()) {
      tree.addMissingDirectories(taken.get(0).path().parent(), new Meta(0755, owner.uid(), owner.gid(), epoch));
    }
    for (ChangeSet.Change c : taken) {
      Node node = c.node();
      if (!entry.owner().numeric()) {
        Meta m = node.meta();
        node = node.withMeta(new Meta(m.mode(), owner.uid(), owner.gid(), m.mtime()));
      }
      put(tree, c.path(), node);
    }
  }

  /** What this copy puts where (destination paths as written, before the image's links resolve them), in order. */
  private List<ChangeSet.Change> take() throws IOException {
    ImageTree from = stage.tree();
    EntryPath src = EntryPath.parse(entry.src());
    EntryPath resolved;
    Node node;
    try {
      resolved = from.resolveFully(src);
      node = from.lookup(resolved);
    } catch (HostileInputException e) {
      throw new UserError(describe() + ": " + e.getMessage());
    }
    if (node == null) {
      throw new UserError(describe() + ": " + entry.src() + " does not exist in stage '" + stage.name()
          + "' after its steps; check the path, or the step that should make it");
    }
    List<ChangeSet.Change> taken = new ArrayList<>();
    String dest = entry.dest().relative();
    if (node instanceof Node.Directory) {
      EntryPath target = EntryPath.parse(dest);
      if (!target.isRoot()) {
        taken.add(new ChangeSet.Change(target, node.withMeta(meta(node))));
      }
      for (Map.Entry<EntryPath, Node> e : MergedView.below(from, resolved).entrySet()) {
        String rest = e.getKey().value().substring(resolved.isRoot() ? 0 : resolved.value().length() + 1);
        taken.add(new ChangeSet.Change(target.isRoot() ? EntryPath.parse(rest) : EntryPath.parse(dest + "/" + rest),
            e.getValue().withMeta(meta(e.getValue()))));
      }
    } else {
      if (entry.dest().isDirectoryHint() || dest.isEmpty()) {
        dest = dest.isEmpty() ? resolved.name() : dest + "/" + resolved.name();
      }
      taken.add(new ChangeSet.Change(EntryPath.parse(dest), node.withMeta(meta(node))));
    }
    return taken;
  }

  private void put(ImageTree tree, EntryPath target, Node node) {
    Meta meta = node.meta();
    if (node instanceof Node.Directory) {
      tree.addDirectory(target, meta);
    } else if (node instanceof Node.RegularFile f) {
      tree.addFile(target, meta, f.content());
    } else if (node instanceof Node.Symlink s) {
      tree.addSymlink(target, meta, s.target());
    } else {
      throw new UserError(describe() + ": " + target + " is a device or FIFO; copy regular files, directories and"
          + " symlinks from a stage");
    }
  }

  private Meta meta(Node node) {
    int mode = entry.mode() != null && !(node instanceof Node.Symlink) ? entry.mode().bits() : node.meta().mode();
    return new Meta(mode, entry.owner().uid(), entry.owner().gid(), epoch);
  }
}
