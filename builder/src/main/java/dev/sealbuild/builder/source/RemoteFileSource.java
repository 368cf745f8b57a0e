package dev.sealbuild.builder.source;

import dev.sealbuild.builder.accounts.AccountTables;
import dev.sealbuild.lockfiles.spec.Owner;
import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.builder.archive.ZipIngest;
import dev.sealbuild.formats.digest.VerifyingInputStream;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.formats.UserError;
import dev.sealbuild.lockfiles.lock.LockedFile;
import dev.sealbuild.lockfiles.spec.FileEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

/** A pinned {@code files:} entry: placed as one file, or unpacked into a directory. */
public final class RemoteFileSource implements LayerSource {
  private final int index;
  private final FileEntry entry;
  private final LockedFile locked;
  private final BuildContext context;

  public RemoteFileSource(int index, FileEntry entry, LockedFile locked, BuildContext context) {
    this.index = index;
    this.entry = entry;
    this.locked = locked;
    this.context = context;
  }

  @Override
  public String describe() {
    return "files[" + index + "] " + entry.url();
  }

  @Override
  public Object fingerprint() {
    return Fingerprints.of("file", "entry", entry, "locked", locked, "epoch", context.epoch());
  }

  @Override
  public void addTo(ImageTree tree) throws IOException {
    Owner owner = AccountTables.numeric(entry.owner(), tree, describe());
    if (entry.extract()) {
      extract(tree, owner);
    } else {
      place(tree, owner);
    }
  }

  private void place(ImageTree tree, Owner owner) throws IOException {
    String dest = entry.dest().relative();
    if (entry.dest().isDirectoryHint() || dest.isEmpty()) {
      dest = dest.isEmpty() ? fileName() : dest + "/" + fileName();
    }
    long size = locked.size() != null ? locked.size()
        : Files.size(context.cache().verifiedPath(locked.sha256(), null, describe()));
    context.cache().requirePresent(locked.sha256(), describe());
    int mode = entry.mode() == null ? 0644 : entry.mode().bits();
    tree.addFile(EntryPath.parse(dest),
        new Meta(mode, owner.uid(), owner.gid(), context.epoch()),
        new BlobContent(context.cache(), locked.sha256(), size, describe()));
  }

  private String fileName() {
    String path = entry.url().getPath();
    String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      throw new UserError(describe() + ": cannot take a file name from the URL; give dest a full path");
    }
    return name;
  }

  private void extract(ImageTree tree, Owner owner) throws IOException {
    ArchiveFormat format = ArchiveFormat.fromName(entry.url().getPath());
    EntryPath dest = EntryPath.parse(entry.dest().relative());
    if (!dest.isRoot()) {
      int mode = entry.mode() == null ? 0755 : entry.mode().bits();
      tree.addDirectory(dest, new Meta(mode, owner.uid(), owner.gid(), context.epoch()));
    }
    IngestPolicy policy = IngestPolicy.extract(dest, owner.uid(), owner.gid(), context.epoch(), describe());
    if (format == ArchiveFormat.ZIP) {
      new ZipIngest(context.spool(), context.limits())
          .ingest(context.cache().verifiedPath(locked.sha256(), locked.size(), describe()), tree, policy);
      return;
    }
    try (VerifyingInputStream blob = context.cache().open(locked.sha256(), locked.size(), describe())) {
      InputStream tar = context.decompressors().tarStream(blob, format, describe());
      new TarIngest(context.spool()).ingest(tar, tree, policy);
      blob.drainAndVerify();
    }
  }
}
