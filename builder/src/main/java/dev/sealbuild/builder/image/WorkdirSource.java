package dev.sealbuild.builder.image;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.source.Fingerprints;
import dev.sealbuild.builder.source.LayerSource;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.UserError;

/**
 * The image's working directory ({@code config.workdir}), created as Docker's {@code WORKDIR} creates it when no
 * layer below provides it: root-owned, mode 0755, the epoch as mtime, missing parents too. Through a link, the
 * link's target is created. Adds nothing when the directory exists, so such an image's layers stay as they were.
 */
final class WorkdirSource implements LayerSource {
  private final String workdir;
  private final long epoch;

  WorkdirSource(String workdir, long epoch) {
    this.workdir = workdir;
    this.epoch = epoch;
  }

  @Override
  public String describe() {
    return "workdir " + workdir;
  }

  @Override
  public Object fingerprint() {
    return Fingerprints.of("workdir", "path", workdir, "epoch", epoch);
  }

  @Override
  public void addTo(ImageTree tree) {
    EntryPath resolved;
    try {
      resolved = tree.resolveFully(EntryPath.parse(workdir));
    } catch (HostileInputException e) {
      throw new UserError("config.workdir " + workdir + " cannot be a directory in the image (" + e.getMessage()
          + "); point workdir at a directory, or at a path where one can be created");
    }
    Node node = tree.lookup(resolved);
    if (node instanceof Node.Directory) {
      return;
    }
    if (node != null) {
      throw new UserError("config.workdir " + workdir + " is not a directory in the image (" + resolved
          + " is a file); point workdir at a directory");
    }
    tree.addMissingDirectories(resolved, new Meta(0755, 0, 0, epoch));
  }
}
