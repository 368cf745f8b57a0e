package dev.sealbuild.builder.deb;

import dev.sealbuild.builder.fs.Content;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.source.BuildContext;
import dev.sealbuild.builder.source.LayerSource;
import dev.sealbuild.builder.source.LockedPackages;
import dev.sealbuild.builder.source.OrderedPrefetch;
import dev.sealbuild.builder.facts.PackageFacts;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Installs pinned {@code .deb} packages the way distroless does: files from each package's data.tar with
 * their modes and owners, no maintainer script run, and each package recorded for scanners in
 * {@code /var/lib/dpkg/status.d/<package>} (its control stanza) and {@code <package>.md5sums}. On a full Debian base
 * (the tree already has {@code /var/lib/dpkg/status}) they are recorded where dpkg looks instead: their stanzas, with
 * {@code Status: install ok installed}, appended to {@code status} in name order, and
 * {@code /var/lib/dpkg/info/<package>.list} (and {@code .md5sums}), so {@code dpkg -l} and {@code dpkg -L} work. What a
 * maintainer script would have generated and an image needs is made here instead: the
 * {@code ca-certificates} bundle.
 */
public final class DebianPackagesSource implements LayerSource {
  static final EntryPath STATUS_DIR = EntryPath.parse("var/lib/dpkg/status.d");
  static final EntryPath STATUS_FILE = EntryPath.parse("var/lib/dpkg/status");
  static final EntryPath INFO_DIR = EntryPath.parse("var/lib/dpkg/info");
  static final EntryPath CA_BUNDLE = EntryPath.parse("etc/ssl/certs/ca-certificates.crt");
  private static final String CA_SOURCE_DIR = "usr/share/ca-certificates/";
  private static final int MAX_CERTIFICATE_BYTES = 1 << 20;
  /** Compressed package bytes decoded ahead of the install (their payloads wait in scratch files, a few times larger). */
  private static final long DECODE_AHEAD_BYTES = 64L << 20;
  /** Debian policy 5.6.1 and 5.6.12 (lowercase names; versions with epoch and revision). */
  private static final long MAX_STATUS_RECORD = 16 << 20;
  private static final Pattern DEBIAN_NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]*");
  private static final Pattern DEBIAN_VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+~:-]*");

  private final List<LockedPackage> packages;
  private final BuildContext context;
  private final int decodeThreads;
  private final boolean recordDatabase;

  public DebianPackagesSource(List<LockedPackage> packages, BuildContext context) {
    this(packages, context, OrderedPrefetch.defaultThreads());
  }

  /** @param decodeThreads workers decompressing packages ahead of the install; 0: each as it is installed */
  DebianPackagesSource(List<LockedPackage> packages, BuildContext context, int decodeThreads) {
    this(packages, context, decodeThreads, true);
  }

  private DebianPackagesSource(List<LockedPackage> packages, BuildContext context, int decodeThreads,
      boolean recordDatabase) {
    this.packages = List.copyOf(packages);
    this.context = context;
    this.decodeThreads = decodeThreads;
    this.recordDatabase = recordDatabase;
  }

  /**
   * These packages' files only: dpkg's database stays as it is, so what a step does to it is kept (build-only
   * packages, laid over the tree while steps run).
   */
  public DebianPackagesSource filesOnly() {
    return new DebianPackagesSource(packages, context, decodeThreads, false);
  }

  @Override
  public String describe() {
    return LockedPackages.describe(packages, "Debian");
  }

  @Override
  public Object fingerprint() {
    // "alternatives": layers made before postinst alternatives were applied must not be reused
    return dev.sealbuild.builder.source.Fingerprints.of("deb", "packages",
        dev.sealbuild.builder.source.Fingerprints.lockedPackages(packages), "alternatives", 1, "database", recordDatabase);
  }

  /** The packages this source installs, as locked. */
  public List<LockedPackage> packages() {
    return packages;
  }

  @Override
  public void addTo(ImageTree tree) throws IOException {
    packages.forEach(DebianPackagesSource::requireDebianNames);
    DebArchive deb = new DebArchive(context.decompressors(), context.spool());
    Map<String, ControlFields> fields = controlFields(p -> {
      ControlFields f = readControlFields(deb, p);
      if (!p.name().equals(f.packageName())) {
        throw new HostileInputException(LockedPackages.label(p) + ": its control file names package '"
            + DebArchive.printable(String.valueOf(f.packageName())) + "'; check the repository, then run build lock again");
      }
      return f;
    });
    fields.putAll(installedBefore(tree));
    FileClaims claims = new FileClaims((a, b) -> fields.get(a) != null && fields.get(a).replaces().contains(b));
    claimInstalledFiles(tree, claims);
    Map<String, DebArchive.Control> installed = new TreeMap<>();
    List<LockedPackage> order = installOrder(fields);
    PathLog pathLog = new PathLog();
    tree.listen(claims);
    tree.listen(pathLog);
    try {
      if (order.size() < 2 || decodeThreads == 0) {
        for (LockedPackage p : order) {
          claims.installing(p.name());
          pathLog.installing(p.name());
          installed(p, LockedPackages.read(context, p, true, in -> deb.install(in, tree, context.epoch(), LockedPackages.label(p))), installed);
        }
      } else {
        // Decompressing dominates: packages are decompressed on workers, largest first, while this thread applies them
        // in order; the scratch files of packages decoded ahead stay within DECODE_AHEAD_BYTES of compressed input.
        try (OrderedPrefetch<LockedPackage, DebArchive.Decoded> ahead = new OrderedPrefetch<>(order, decodeThreads,
            "sealbuild-deb", this::decode, LockedPackage::size, DECODE_AHEAD_BYTES)) {
          for (LockedPackage p : order) {
            claims.installing(p.name());
            pathLog.installing(p.name());
            try (DebArchive.Decoded decoded = ahead.next()) {
              installed(p, deb.install(decoded, tree, context.epoch(), LockedPackages.label(p)), installed);
            }
          }
        }
      }
    } finally {
      tree.stopListening(claims);
      tree.stopListening(pathLog);
    }
    List<Alternatives.Choice> alternatives = new ArrayList<>();
    for (LockedPackage p : order) {
      DebArchive.Control control = installed.get(p.name());
      if (control != null) {
        alternatives.addAll(Alternatives.parse(control.postinst()));
      }
    }
    Alternatives.apply(alternatives, tree, context.epoch(), recordDatabase,
        (path, text) -> addGenerated(tree, path, text.getBytes(StandardCharsets.UTF_8)));
    if (!recordDatabase) {
      // files only: see filesOnly()
    } else if (tree.lookup(STATUS_FILE) instanceof Node.RegularFile status && tree.visible(STATUS_FILE, status)) {
      recordInStatus(installed, pathLog, status, tree);
    } else {
      record(installed, tree);
    }
    if (installed.containsKey("ca-certificates")) {
      caBundle(tree);
    }
  }

  /**
   * Every package's control fields, read on the decoding workers (each read decompresses a small control member) and
   * collected in package order, so the first bad package in the list is the one reported.
   */
  private Map<String, ControlFields> controlFields(OrderedPrefetch.Step<LockedPackage, ControlFields> read)
      throws IOException {
    Map<String, ControlFields> fields = new HashMap<>();
    if (packages.size() < 2 || decodeThreads == 0) {
      for (LockedPackage p : packages) {
        fields.put(p.name(), read.run(p));
      }
      return fields;
    }
    try (OrderedPrefetch<LockedPackage, Read> reads = new OrderedPrefetch<>(packages, decodeThreads, "sealbuild-deb",
        p -> new Read(read.run(p)))) {
      for (LockedPackage p : packages) {
        fields.put(p.name(), reads.next().fields());
      }
    }
    return fields;
  }

  /** A control read, as OrderedPrefetch hands results out (nothing to close). */
  private record Read(ControlFields fields) implements Closeable {
    @Override
    public void close() {}
  }

  private ControlFields readControlFields(DebArchive deb, LockedPackage p) throws IOException {
    return LockedPackages.read(context, p, false,
        in -> ControlFields.parse(deb.readControl(in, LockedPackages.label(p)).control(), LockedPackages.label(p) + " control"));
  }

  /** Runs on a worker thread: reads the whole package (verified against the lock) and decompresses its data member. */
  private DebArchive.Decoded decode(LockedPackage p) throws IOException {
    DebArchive deb = new DebArchive(context.decompressors(), context.spool());
    DebArchive.Decoded[] made = new DebArchive.Decoded[1];
    try {
      return LockedPackages.read(context, p, true, in -> made[0] = deb.decode(in, context.spool().directory(), LockedPackages.label(p)));
    } catch (IOException | RuntimeException e) {
      if (made[0] != null) {
        made[0].close(); // decoded, then found not to be the blob the lock pins
      }
      throw e;
    }
  }

  /** Keeps what the status records need, and what the SBOM needs as the package's facts. */
  private void installed(LockedPackage p, DebArchive.Documentation doc, Map<String, DebArchive.Control> installed) {
    installed.put(p.name(), doc.control());
    context.cache().facts().record(PackageFacts.Deb.of(p.sha256(), doc.control().control(), doc.copyright()));
  }

  /**
   * One source per package, in install order (packages others replace first), for one layer per package.
   * Each still sees what the earlier ones installed, through the image's dpkg records.
   */
  public List<DebianPackagesSource> perPackage() throws IOException {
    packages.forEach(DebianPackagesSource::requireDebianNames);
    DebArchive deb = new DebArchive(context.decompressors(), context.spool());
    Map<String, ControlFields> fields = controlFields(p -> readControlFields(deb, p));
    return installOrder(fields).stream()
        .map(p -> new DebianPackagesSource(List.of(p), context, decodeThreads)).toList();
  }

  /** Control fields of packages an earlier source (or layer) recorded in status.d. */
  private static Map<String, ControlFields> installedBefore(ImageTree tree) throws IOException {
    Map<String, ControlFields> fields = new HashMap<>();
    for (Map.Entry<String, byte[]> record : statusRecords(tree, "").entrySet()) {
      fields.put(record.getKey(), ControlFields.parse(new String(record.getValue(), StandardCharsets.UTF_8), "status.d/" + record.getKey()));
    }
    return fields;
  }

  /** Files an earlier source installed, from its md5sums record, as dpkg knows them from its database. */
  private static void claimInstalledFiles(ImageTree tree, FileClaims claims) throws IOException {
    for (Map.Entry<String, byte[]> record : statusRecords(tree, ".md5sums").entrySet()) {
      for (String line : new String(record.getValue(), StandardCharsets.UTF_8).split("\n")) {
        int space = line.indexOf("  ");
        if (space > 0) {
          try {
            EntryPath path = EntryPath.parse(line.substring(space + 2));
            claims.claim(tree.resolveParent(path).child(path.name()), record.getKey());
          } catch (HostileInputException ignored) {
            // a path that cannot be placed was never installed either
          }
        }
      }
    }
  }

  private static Map<String, byte[]> statusRecords(ImageTree tree, String suffix) throws IOException {
    Map<String, byte[]> records = new TreeMap<>();
    for (var layer : tree.layers()) {
      for (Map.Entry<EntryPath, Node> e : layer.entries().subMap(STATUS_DIR, false, new EntryPath(STATUS_DIR.value() + "0"), false).entrySet()) {
        String name = e.getKey().name();
        boolean wanted = suffix.isEmpty() ? !name.endsWith(".md5sums") : name.endsWith(suffix);
        if (wanted && e.getKey().parent().equals(STATUS_DIR) && e.getValue() instanceof Node.RegularFile f
            && tree.visible(e.getKey(), f)) {
          if (f.content().size() > MAX_STATUS_RECORD) {
            throw new HostileInputException(e.getKey() + " is larger than " + MAX_STATUS_RECORD + " bytes; refusing to read it");
          }
          records.put(suffix.isEmpty() ? name : name.substring(0, name.length() - suffix.length()), f.content().readAll());
        }
      }
    }
    return records;
  }

  /** Names and versions become paths and messages: only what Debian allows in them is accepted. */
  private static void requireDebianNames(LockedPackage p) {
    if (!DEBIAN_NAME.matcher(p.name()).matches() || !DEBIAN_VERSION.matcher(p.version()).matches()) {
      throw new HostileInputException("locked package '" + DebArchive.printable(p.name()) + "' version '"
          + DebArchive.printable(p.version()) + "' is not a valid Debian package name and version; run build lock again");
    }
  }

  /** Packages that others declare Replaces on go first, so the replacing package's files win, as with dpkg. */
  private List<LockedPackage> installOrder(Map<String, ControlFields> fields) {
    Map<String, LockedPackage> byName = new LinkedHashMap<>();
    packages.stream().sorted().forEach(p -> byName.put(p.name(), p));
    List<LockedPackage> order = new ArrayList<>();
    Set<String> done = new java.util.HashSet<>();
    for (String name : byName.keySet()) {
      visit(name, byName, fields, done, new java.util.HashSet<>(), order);
    }
    return order;
  }

  private void visit(String name, Map<String, LockedPackage> byName, Map<String, ControlFields> fields, Set<String> done,
      Set<String> visiting, List<LockedPackage> order) {
    if (done.contains(name) || !visiting.add(name)) {
      return;
    }
    for (String replaced : fields.get(name).replaces()) {
      if (byName.containsKey(replaced)) {
        visit(replaced, byName, fields, done, visiting, order);
      }
    }
    done.add(name);
    order.add(byName.get(name));
  }

  /** Every path each package wrote, in the order written, for dpkg's {@code info/<package>.list}. */
  private static final class PathLog implements ImageTree.WriteListener {
    private final Map<String, java.util.LinkedHashSet<EntryPath>> paths = new HashMap<>();
    private String current;

    void installing(String name) {
      current = name;
    }

    @Override
    public void written(EntryPath resolved, Node node, Node replaced) {
      if (current != null) {
        paths.computeIfAbsent(current, k -> new java.util.LinkedHashSet<>()).add(resolved);
      }
    }

    /** dpkg's list format: {@code /.} then each path, absolute, one a line. */
    String list(String name) {
      StringBuilder s = new StringBuilder("/.\n");
      for (EntryPath p : paths.getOrDefault(name, new java.util.LinkedHashSet<>())) {
        s.append('/').append(p.value()).append('\n');
      }
      return s.toString();
    }
  }

  /**
   * A full Debian base: each installed package's stanza, with {@code Status: install ok installed} after its
   * {@code Package} line, appended to the base's {@code status} in name order; its file list and md5sums in
   * {@code info/} ({@code <package>:<arch>} for Multi-Arch: same packages, as dpkg names them).
   */
  private void recordInStatus(Map<String, DebArchive.Control> installed, PathLog pathLog, Node.RegularFile status,
      ImageTree tree) throws IOException {
    if (status.content().size() > MAX_STATUS_RECORD) {
      throw new HostileInputException(STATUS_FILE + " is larger than " + MAX_STATUS_RECORD + " bytes; refusing to read it");
    }
    StringBuilder text = new StringBuilder(new String(status.content().readAll(), StandardCharsets.UTF_8));
    if (text.length() > 0 && !text.toString().endsWith("\n\n")) {
      text.append(text.toString().endsWith("\n") ? "\n" : "\n\n");
    }
    Meta dir = new Meta(0755, 0, 0, context.epoch());
    tree.addDirectory(INFO_DIR, dir);
    for (Map.Entry<String, DebArchive.Control> e : installed.entrySet()) {
      String control = e.getValue().control().strip();
      List<String> lines = new ArrayList<>(List.of(control.split("\n")));
      boolean same = false;
      String arch = "";
      for (String line : lines) {
        same |= line.equals("Multi-Arch: same");
        if (line.startsWith("Architecture:")) {
          arch = line.substring("Architecture:".length()).strip();
        }
      }
      lines.removeIf(l -> l.startsWith("Status:"));
      int at = 0;
      while (at < lines.size() && !lines.get(at).startsWith("Package:")) {
        at++;
      }
      lines.add(Math.min(at + 1, lines.size()), "Status: install ok installed");
      text.append(String.join("\n", lines)).append("\n\n");
      String infoName = same ? e.getKey() + ":" + arch : e.getKey();
      addGenerated(tree, INFO_DIR.child(infoName + ".list"), pathLog.list(e.getKey()).getBytes(StandardCharsets.UTF_8));
      if (!e.getValue().md5sums().isEmpty()) {
        addGenerated(tree, INFO_DIR.child(infoName + ".md5sums"), e.getValue().md5sums().getBytes(StandardCharsets.UTF_8));
      }
    }
    addGenerated(tree, STATUS_FILE, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  private void record(Map<String, DebArchive.Control> installed, ImageTree tree) throws IOException {
    Meta dir = new Meta(0755, 0, 0, context.epoch());
    tree.addDirectory(EntryPath.parse("var/lib/dpkg"), dir);
    tree.addDirectory(STATUS_DIR, dir);
    for (Map.Entry<String, DebArchive.Control> e : installed.entrySet()) {
      String control = e.getValue().control().endsWith("\n") ? e.getValue().control() : e.getValue().control() + "\n";
      addGenerated(tree, STATUS_DIR.child(e.getKey()), control.getBytes(StandardCharsets.UTF_8));
      if (!e.getValue().md5sums().isEmpty()) {
        addGenerated(tree, STATUS_DIR.child(e.getKey() + ".md5sums"), e.getValue().md5sums().getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /**
   * What update-ca-certificates would write: every certificate the image holds, in path order, in one PEM
   * file. Paths come from all layers, but each is read as the merged file system shows it, so a certificate
   * a lower layer also has is bundled once, with its current content.
   */
  private void caBundle(ImageTree tree) throws IOException {
    TreeSet<EntryPath> paths = new TreeSet<>();
    for (var layer : tree.layers()) {
      for (EntryPath path : layer.entries().keySet()) {
        if (path.value().startsWith(CA_SOURCE_DIR) && path.value().endsWith(".crt")) {
          paths.add(path);
        }
      }
    }
    ByteArrayOutputStream bundle = new ByteArrayOutputStream();
    for (EntryPath path : paths) {
      if (tree.lookup(path) instanceof Node.RegularFile f && visible(tree, path)) {
        Content content = f.content();
        if (content.size() > MAX_CERTIFICATE_BYTES) {
          throw new HostileInputException("certificate " + path + " is larger than " + MAX_CERTIFICATE_BYTES
              + " bytes; exclude the package that ships it");
        }
        byte[] pem = content.readAll();
        bundle.write(pem);
        if (pem.length > 0 && pem[pem.length - 1] != '\n') {
          bundle.write('\n');
        }
      }
    }
    tree.addDirectory(EntryPath.parse("etc/ssl"), new Meta(0755, 0, 0, context.epoch()));
    tree.addDirectory(EntryPath.parse("etc/ssl/certs"), new Meta(0755, 0, 0, context.epoch()));
    addGenerated(tree, CA_BUNDLE, bundle.toByteArray());
  }

  /** Whether every parent of a path is still a directory: a lower layer's entry under a replaced directory is gone. */
  private static boolean visible(ImageTree tree, EntryPath path) {
    for (EntryPath p = path.parent(); !p.isRoot(); p = p.parent()) {
      if (!(tree.lookup(p) instanceof Node.Directory)) {
        return false;
      }
    }
    return true;
  }

  private void addGenerated(ImageTree tree, EntryPath path, byte[] bytes) throws IOException {
    tree.addFile(path, new Meta(0644, 0, 0, context.epoch()), context.spool().append(new ByteArrayInputStream(bytes), bytes.length, "generated " + path));
  }
}
