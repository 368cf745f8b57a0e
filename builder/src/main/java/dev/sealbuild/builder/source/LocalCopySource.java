package dev.sealbuild.builder.source;

import dev.sealbuild.builder.fs.Content;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.formats.UserError;
import dev.sealbuild.formats.dockerfile.DockerIgnore;
import dev.sealbuild.builder.accounts.AccountTables;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.builder.archive.ZipIngest;
import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.lockfiles.spec.CopyEntry;
import dev.sealbuild.lockfiles.spec.Owner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.formats.digest.Sha256;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A local {@code copy:} source. Modes do not come from the checkout (umask and git would make them vary):
 * files are 0755 when executable by their owner, else 0644, directories 0755, unless {@code mode} says
 * otherwise. Symlinks are copied as symlinks, never followed. Paths its {@code exclude} patterns match
 * ({@code .dockerignore} syntax, relative to the spec's directory) are left out.
 */
public final class LocalCopySource implements LayerSource {
  private final int index;
  private final CopyEntry entry;
  private final BuildContext context;
  private final DockerIgnore exclude;

  public LocalCopySource(int index, CopyEntry entry, BuildContext context) {
    this.index = index;
    this.entry = entry;
    this.context = context;
    this.exclude = entry.exclude().isEmpty() ? DockerIgnore.none() : DockerIgnore.parse(String.join("\n", entry.exclude()));
  }

  @Override
  public String describe() {
    return "copy[" + index + "] " + entry.source();
  }

  /** The source path, checked to exist and to stay inside the spec's directory. */
  public Path source() throws IOException {
    Path base = context.specDir().toRealPath();
    Path candidate = base.resolve(entry.src()).normalize();
    if (!candidate.startsWith(base)) {
      throw new UserError(describe() + ": src escapes the spec's directory " + base);
    }
    if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
      throw new UserError(describe() + ": no such file or directory: " + candidate);
    }
    Path real = candidate.toRealPath();
    if (!real.startsWith(base)) {
      throw new UserError(describe() + ": src resolves through a symlink to " + real + ", outside the spec's directory " + base);
    }
    if (!real.equals(base) && exclude.excluded(relative(base, real))) {
      throw new UserError(describe() + ": src is left out by its own exclude patterns " + entry.exclude());
    }
    return real;
  }

  /**
   * What this copy adds, entry by entry, as {@link #addTo} would add it to an empty tree: path, type, mode, owner,
   * symlink target, and each file's size and content digest (its bytes are hashed; mtimes are not trusted).
   */
  @Override
  public Object fingerprint() throws IOException {
    ImageTree scratch = new ImageTree("fingerprint", context.epoch(), Long.MAX_VALUE);
    // names resolve later, against the tree; the entry (in the fingerprint) keys them
    add(scratch, entry.owner() == null ? null : new Owner(entry.owner().uid(), entry.owner().gid()));
    Map<Content, Sha256> local = localDigests(scratch.currentLayer().entries().values());
    List<Map<String, Object>> entries = new ArrayList<>();
    for (Map.Entry<EntryPath, Node> e : scratch.currentLayer().entries().entrySet()) {
      Map<String, Object> m = new LinkedHashMap<>();
      Node node = e.getValue();
      m.put("path", e.getKey().value());
      m.put("type", node.getClass().getSimpleName());
      m.put("mode", node.meta().mode());
      m.put("uid", node.meta().uid());
      m.put("gid", node.meta().gid());
      m.put("mtime", node.meta().mtime());
      if (node instanceof Node.Symlink link) {
        m.put("target", link.target());
      } else if (node instanceof Node.RegularFile file) {
        m.put("size", file.content().size());
        Sha256 sha256 = local.get(file.content());
        m.put("sha256", (sha256 != null ? sha256 : digest(file.content())).toString());
      }
      entries.add(m);
    }
    return Fingerprints.of("copy", "entry", entry, "entries", entries);
  }

  /** The copied files' digests, read all at once through the build's digests (the image record hashed them already). */
  private Map<Content, Sha256> localDigests(Collection<Node> nodes) throws IOException {
    List<LocalFileContent> contents = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (Node node : nodes) {
      if (node instanceof Node.RegularFile file && file.content() instanceof LocalFileContent content) {
        contents.add(content);
        files.add(content.dir().resolve(content.name()));
      }
    }
    List<LocalFileDigests.Digests> digests;
    try {
      digests = context.localFiles().ofAll(files);
    } catch (NoSuchFileException e) {
      throw new IOException(e.getFile() + ": removed while the image was built");
    }
    Map<Content, Sha256> byContent = new IdentityHashMap<>();
    for (int i = 0; i < contents.size(); i++) {
      byContent.put(contents.get(i), digests.get(i).sha256());
    }
    return byContent;
  }

  /** Any other content's digest: known, or read. */
  private static Sha256 digest(Content content) throws IOException {
    Optional<Sha256> known = content.knownDigest();
    if (known.isPresent()) {
      return known.get();
    }
    try (InputStream in = content.open()) {
      return Sha256.hash(in);
    }
  }

  @Override
  public void addTo(ImageTree tree) throws IOException {
    add(tree, entry.owner() == null ? null : AccountTables.numeric(entry.owner(), tree, describe()));
  }

  /** {@code owner} null: an extracted archive's own owners. */
  private void add(ImageTree tree, Owner owner) throws IOException {
    if (entry.content() != null) {
      EntryPath target = EntryPath.parse(entry.dest().relative());
      tree.addMissingDirectories(target.parent(), dirMeta(owner));
      int mode = entry.mode() != null ? entry.mode().bits() : 0644;
      tree.addFile(target, new Meta(mode, owner.uid(), owner.gid(), context.epoch()),
          new TextContent(entry.content().getBytes(StandardCharsets.UTF_8), describe()));
      return;
    }
    Path src = source();
    if (entry.extract()) {
      extract(src, tree, owner);
      return;
    }
    if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
      EntryPath dest = EntryPath.parse(entry.dest().relative());
      if (!dest.isRoot()) {
        tree.addMissingDirectories(dest.parent(), dirMeta(owner));
        tree.addDirectory(dest, dirMeta(owner));
      }
      copyTree(src, dest, tree, owner);
    } else {
      String dest = entry.dest().relative();
      if (entry.dest().isDirectoryHint() || dest.isEmpty()) {
        dest = dest.isEmpty() ? src.getFileName().toString() : dest + "/" + src.getFileName();
      }
      EntryPath target = EntryPath.parse(dest);
      tree.addMissingDirectories(target.parent(), dirMeta(owner));
      addOne(src.getParent(), src, target, tree, owner);
    }
  }

  /** A local tar archive (any compression sealbuild reads) unpacked into dest, confined to it. */
  private void extract(Path src, ImageTree tree, Owner owner) throws IOException {
    if (!Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
      throw new UserError(describe() + ": extract needs an archive file, and " + entry.src() + " is not one");
    }
    ArchiveFormat format;
    try {
      format = ArchiveFormat.fromName(src.getFileName().toString());
    } catch (IllegalArgumentException e) {
      throw new UserError(describe() + ": " + e.getMessage());
    }
    EntryPath dest = EntryPath.parse(entry.dest().relative());
    if (!dest.isRoot()) {
      tree.addDirectory(dest, dirMeta(owner == null ? Owner.ROOT : owner));
    }
    IngestPolicy policy = owner == null ? IngestPolicy.extractAsArchived(dest, context.epoch(), describe())
        : IngestPolicy.extract(dest, owner.uid(), owner.gid(), context.epoch(), describe());
    if (format == ArchiveFormat.ZIP) {
      new ZipIngest(context.spool(), context.limits()).ingest(src, tree, policy);
      return;
    }
    try (InputStream in = Files.newInputStream(src, LinkOption.NOFOLLOW_LINKS)) {
      new TarIngest(context.spool()).ingest(context.decompressors().tarStream(in, format, describe()), tree, policy);
    }
  }

  private void copyTree(Path dir, EntryPath dest, ImageTree tree, Owner owner) throws IOException {
    Path base = context.specDir().toRealPath();
    for (Path child : children(dir)) {
      EntryPath target = dest.child(child.getFileName().toString());
      boolean excluded = exclude.excluded(relative(base, child));
      if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
        if (!excluded || hasExceptions() && includesAny(base, child)) {
          tree.addDirectory(target, dirMeta(owner));
          copyTree(child, target, tree, owner);
        }
      } else if (!excluded) {
        addOne(dir, child, target, tree, owner);
      }
    }
  }

  private static List<Path> children(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  /** Whether an excluded directory holds something an exception ({@code !pattern}) brings back. */
  private boolean includesAny(Path base, Path dir) throws IOException {
    for (Path child : children(dir)) {
      if (!exclude.excluded(relative(base, child))
          || Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) && includesAny(base, child)) {
        return true;
      }
    }
    return false;
  }

  private boolean hasExceptions() {
    return exclude.patterns().stream().anyMatch(p -> p.startsWith("!"));
  }

  private static String relative(Path base, Path path) {
    return base.relativize(path).toString().replace(java.io.File.separatorChar, '/');
  }

  /** Adds {@code file}, listed from {@code dir}. */
  private void addOne(Path dir, Path file, EntryPath target, ImageTree tree, Owner owner) throws IOException {
    if (Files.isSymbolicLink(file)) {
      tree.addSymlink(target, new Meta(0777, owner.uid(), owner.gid(), context.epoch()),
          Files.readSymbolicLink(file).toString());
    } else if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      int mode = entry.mode() != null ? entry.mode().bits() : executable(file) ? 0755 : 0644;
      tree.addFile(target, new Meta(mode, owner.uid(), owner.gid(), context.epoch()),
          new LocalFileContent(dir, file.getFileName().toString(), Files.size(file)));
    } else {
      throw new UserError(describe() + ": " + file + " is not a regular file, directory or symlink");
    }
  }

  private Meta dirMeta(Owner owner) {
    return new Meta(0755, owner.uid(), owner.gid(), context.epoch());
  }

  private static boolean executable(Path file) throws IOException {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
      return perms.contains(PosixFilePermission.OWNER_EXECUTE);
    } catch (UnsupportedOperationException e) {
      return Files.isExecutable(file);
    }
  }

  /** A file's text given in the spec. */
  private record TextContent(byte[] bytes, String origin) implements Content {
    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public InputStream open() {
      return new java.io.ByteArrayInputStream(bytes);
    }
  }

  /**
   * A copied file as its directory (one {@link Path} shared by the files listed from it) and its name: a path per
   * file held the whole path's bytes and component offsets once for every entry of the tree.
   */
  private record LocalFileContent(Path dir, String name, long size) implements Content {
    @Override
    public InputStream open() throws IOException {
      Path file = dir.resolve(name);
      try {
        return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        throw new IOException(file + ": removed while the image was built");
      }
    }

    @Override
    public String origin() {
      return dir.resolve(name).toString();
    }
  }

}
