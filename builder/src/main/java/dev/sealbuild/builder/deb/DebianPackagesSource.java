package dev.sealbuild.builder.deb;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.archive.Decompressors;
import dev.sealbuild.builder.cache.CacheReader;
import dev.sealbuild.builder.cache.VerifyingInputStream;
import dev.sealbuild.builder.fs.Content;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.source.LayerSource;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Installs pinned {@code .deb} packages the way distroless does: files from each package's data.tar with
 * their modes and owners, no maintainer script run, and each package recorded for scanners in
 * {@code /var/lib/dpkg/status.d/<package>} (its control stanza) and {@code <package>.md5sums}. What a
 * maintainer script would have generated and an image needs is made here instead: the
 * {@code ca-certificates} bundle.
 */
public final class DebianPackagesSource implements LayerSource {
  static final EntryPath STATUS_DIR = EntryPath.parse("var/lib/dpkg/status.d");
  static final EntryPath CA_BUNDLE = EntryPath.parse("etc/ssl/certs/ca-certificates.crt");
  private static final String CA_SOURCE_DIR = "usr/share/ca-certificates/";

  private final List<LockedPackage> packages;
  private final CacheReader cache;
  private final ContentSpool spool;
  private final Decompressors decompressors;
  private final long epoch;

  public DebianPackagesSource(List<LockedPackage> packages, CacheReader cache, ContentSpool spool, Decompressors decompressors,
      long epoch) {
    this.packages = List.copyOf(packages);
    this.cache = cache;
    this.spool = spool;
    this.decompressors = decompressors;
    this.epoch = epoch;
  }

  @Override
  public String describe() {
    return packages.size() == 1 ? "package " + packages.get(0).label() : packages.size() + " Debian packages";
  }

  @Override
  public void addTo(ImageTree tree) throws IOException {
    DebArchive deb = new DebArchive(decompressors, spool);
    Map<String, ControlFields> fields = new HashMap<>();
    for (LockedPackage p : packages) {
      try (InputStream in = cache.open(p.sha256(), p.size(), label(p))) {
        fields.put(p.name(), ControlFields.parse(deb.readControl(in, label(p)).control()));
      }
    }
    FileClaims claims = new FileClaims((a, b) -> fields.get(a) != null && fields.get(a).replaces().contains(b));
    Map<String, DebArchive.Control> installed = new TreeMap<>();
    tree.listen(claims);
    try {
      for (LockedPackage p : installOrder(fields)) {
        claims.installing(p.name());
        try (VerifyingInputStream in = cache.open(p.sha256(), p.size(), label(p))) {
          installed.put(p.name(), deb.install(in, tree, epoch, label(p)));
          in.drainAndVerify();
        }
      }
    } finally {
      tree.listen(null);
    }
    record(installed, tree);
    if (installed.containsKey("ca-certificates")) {
      caBundle(tree);
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

  private void record(Map<String, DebArchive.Control> installed, ImageTree tree) throws IOException {
    Meta dir = new Meta(0755, 0, 0, epoch);
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

  /** What update-ca-certificates would write: every shipped certificate, in path order, in one PEM file. */
  private void caBundle(ImageTree tree) throws IOException {
    ByteArrayOutputStream bundle = new ByteArrayOutputStream();
    for (var layer : tree.layers()) {
      for (Map.Entry<EntryPath, Node> e : layer.entries().entrySet()) {
        String path = e.getKey().value();
        if (path.startsWith(CA_SOURCE_DIR) && path.endsWith(".crt") && e.getValue() instanceof Node.RegularFile f) {
          Content content = f.content();
          try (InputStream in = content.open()) {
            byte[] pem = in.readNBytes(1 << 20);
            bundle.write(pem);
            if (pem.length > 0 && pem[pem.length - 1] != '\n') {
              bundle.write('\n');
            }
          }
        }
      }
    }
    tree.addDirectory(EntryPath.parse("etc/ssl"), new Meta(0755, 0, 0, epoch));
    tree.addDirectory(EntryPath.parse("etc/ssl/certs"), new Meta(0755, 0, 0, epoch));
    addGenerated(tree, CA_BUNDLE, bundle.toByteArray());
  }

  private void addGenerated(ImageTree tree, EntryPath path, byte[] bytes) throws IOException {
    tree.addFile(path, new Meta(0644, 0, 0, epoch), spool.append(new ByteArrayInputStream(bytes), bytes.length, "generated " + path));
  }

  private static String label(LockedPackage p) {
    return "package " + p.name() + " " + p.version();
  }
}
