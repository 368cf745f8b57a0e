package dev.sealbuild.builder.apk;

import dev.sealbuild.formats.apk.PkgInfo;
import dev.sealbuild.builder.cache.CacheException;
import dev.sealbuild.formats.digest.VerifyingInputStream;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.tar.Whiteout;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.source.BuildContext;
import dev.sealbuild.builder.source.LayerSource;
import dev.sealbuild.builder.source.LockedPackages;
import dev.sealbuild.builder.facts.PackageFacts;
import dev.sealbuild.lockfiles.lock.LockedPackage;
import dev.sealbuild.lockfiles.lock.LockedRepository;
import dev.sealbuild.lockfiles.lock.RemovedPackage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Installs pinned Alpine {@code .apk} packages as apko does: each package's data placed as packaged, no
 * script run, and apk's own database written so that the image's {@code apk} knows them:
 * {@code /lib/apk/db/installed} (after the base's stanzas), {@code triggers}, {@code scripts.tar} (scripts
 * stored), {@code /etc/apk/world}, {@code repositories}, {@code arch} and {@code keys/}. What the busybox
 * trigger would have made, the applet links listed in {@code /etc/busybox-paths.d/}, is made here. Base packages the
 * lock removes go as apk purges them ({@link BaseRemoval}).
 */
public final class ApkPackagesSource implements LayerSource {
  static final EntryPath INSTALLED = EntryPath.parse("lib/apk/db/installed");
  static final EntryPath TRIGGERS = EntryPath.parse("lib/apk/db/triggers");
  static final EntryPath SCRIPTS = EntryPath.parse("lib/apk/db/scripts.tar");
  static final EntryPath WORLD = EntryPath.parse("etc/apk/world");
  static final EntryPath REPOSITORIES = EntryPath.parse("etc/apk/repositories");
  static final EntryPath ARCH = EntryPath.parse("etc/apk/arch");
  static final EntryPath KEYS = EntryPath.parse("etc/apk/keys");
  static final String BUSYBOX_PATHS = "etc/busybox-paths.d/";
  private static final int MAX_DB_BYTES = 64 << 20;
  private static final int MAX_LIST_BYTES = 1 << 20;
  private static final Pattern APK_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_+.-]*");
  private static final Pattern APK_VERSION = Pattern.compile("[0-9][A-Za-z0-9._+~-]*");
  private static final Pattern Q1 = Pattern.compile("Q1[A-Za-z0-9+/]{27}=");
  private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9_@+-][A-Za-z0-9_@+.-]*");

  private final List<LockedPackage> packages;
  private final List<LockedRepository> repositories;
  private final List<String> repositoryUrls;
  private final List<String> world;
  private final String apkArch;
  private final BuildContext context;
  private final boolean recordDatabase;
  private final List<RemovedPackage> removed;

  /**
   * @param packages the packages to install (not those the base already has)
   * @param repositories the locked repositories, whose embedded keys go to {@code /etc/apk/keys}
   * @param repositoryUrls lines of {@code /etc/apk/repositories}, in spec order (none: keep the base's)
   * @param world the spec's packages, added to the base's {@code /etc/apk/world}
   * @param apkArch apk's name of the architecture ({@code x86_64}, {@code aarch64}) for {@code /etc/apk/arch}
   */
  public ApkPackagesSource(List<LockedPackage> packages, List<LockedRepository> repositories, List<String> repositoryUrls,
      List<String> world, String apkArch, BuildContext context) {
    this(packages, repositories, repositoryUrls, world, apkArch, context, true, List.of());
  }

  /**
   * As above, also removing {@code removed} (this platform's) from the base; {@code apkArch} null: none is installed
   * and the base's {@code /etc/apk/arch} stays.
   */
  public ApkPackagesSource(List<LockedPackage> packages, List<LockedRepository> repositories, List<String> repositoryUrls,
      List<String> world, String apkArch, BuildContext context, List<RemovedPackage> removed) {
    this(packages, repositories, repositoryUrls, world, apkArch, context, true, removed);
  }

  private ApkPackagesSource(List<LockedPackage> packages, List<LockedRepository> repositories, List<String> repositoryUrls,
      List<String> world, String apkArch, BuildContext context, boolean recordDatabase, List<RemovedPackage> removed) {
    this.recordDatabase = recordDatabase;
    this.removed = removed.stream().sorted().toList();
    this.packages = packages.stream().sorted().toList();
    this.repositories = List.copyOf(repositories);
    this.repositoryUrls = List.copyOf(repositoryUrls);
    this.world = List.copyOf(world);
    this.apkArch = apkArch;
    this.context = context;
  }

  /**
   * These packages' files only: apk's database, world, repositories, arch and keys stay as they are, so what a step
   * does to them is kept (build-only packages, laid over the tree while steps run).
   */
  public ApkPackagesSource filesOnly() {
    return new ApkPackagesSource(packages, repositories, repositoryUrls, world, apkArch, context, false, List.of());
  }

  @Override
  public String describe() {
    String removing = removed.isEmpty() ? "" : "removed from base: " + String.join(", ", removed.stream()
        .map(r -> r.name() + " " + r.version()).toList());
    return packages.isEmpty() ? "Alpine packages; " + removing
        : LockedPackages.describe(packages, "Alpine") + (removing.isEmpty() ? "" : "; " + removing);
  }

  @Override
  public Object fingerprint() {
    Object packagesKey = dev.sealbuild.builder.source.Fingerprints.lockedPackages(packages);
    if (!recordDatabase) {
      return dev.sealbuild.builder.source.Fingerprints.of("apk", "packages", packagesKey, "database", false,
          "epoch", context.epoch());
    }
    Map<String, Object> key = dev.sealbuild.builder.source.Fingerprints.of("apk", "packages", packagesKey, "repositories",
        repositories, "repository_urls", repositoryUrls, "world", world, "arch", apkArch, "epoch", context.epoch());
    if (!removed.isEmpty()) {
      key.put("removed", removed.stream().map(r -> r.name() + " " + r.version()).toList());
    }
    return key;
  }

  @Override
  public void addTo(ImageTree tree) throws IOException {
    packages.forEach(ApkPackagesSource::requireValid);
    BaseRemoval removal = BaseRemoval.of(InstalledDb.terminated(ImageFiles.read(tree, INSTALLED, MAX_DB_BYTES)), removed);
    String baseDb = removal.keptDb();
    Set<String> inBase = new HashSet<>(InstalledDb.packageNames(baseDb));
    for (LockedPackage p : packages) {
      if (inBase.contains(p.name())) {
        throw new HostileInputException(LockedPackages.label(p) + ": the base already has package " + p.name()
            + " installed and the lock does not remove it (removed:); run build lock again");
      }
    }
    ApkArchive apk = new ApkArchive(context.decompressors(), context.spool(), ImageAccounts.of(tree));
    Map<String, LockedPackage> byName = new LinkedHashMap<>();
    Map<String, PkgInfo> infos = new HashMap<>();
    for (LockedPackage p : packages) {
      if (byName.put(p.name(), p) != null) {
        throw new HostileInputException(LockedPackages.label(p) + ": package " + p.name() + " is locked twice for one platform; run build lock again");
      }
      PkgInfo info = LockedPackages.read(context, p, false, in -> apk.readInfo(in, tree, context.epoch(), LockedPackages.label(p)));
      requireMatches(p, info);
      infos.put(p.name(), info);
    }
    // As apk: dependencies first, so that where packages share a file, the later one's wins as apk's would.
    List<String> order = installOrder(infos);
    FileOwners owners = FileOwners.fromDb(baseDb);
    Map<String, ApkArchive.Installed> installed = new HashMap<>();
    for (String name : order) {
      LockedPackage p = byName.get(name);
      ApkArchive.Installed done = LockedPackages.read(context, p, true, in -> apk.install(in, tree, context.epoch(), LockedPackages.label(p), owners));
      installed.put(name, done);
      context.cache().facts().record(PackageFacts.Apk.of(p.sha256(), done.info()));
    }
    if (!recordDatabase) {
      for (String name : order) {
        busyboxLinks(tree, installed.get(name));
      }
      return;
    }
    String db = writeDatabase(tree, baseDb, order, byName, installed, owners, removal.checksums());
    removal.deleteUnowned(tree, db);
    addGenerated(tree, WORLD, world(tree).getBytes(StandardCharsets.UTF_8));
    if (!repositoryUrls.isEmpty()) {
      addGenerated(tree, REPOSITORIES, lines(repositoryUrls, "repository URL").getBytes(StandardCharsets.UTF_8));
    }
    if (apkArch != null) {
      addGenerated(tree, ARCH, lines(List.of(apkArch), "apk architecture").getBytes(StandardCharsets.UTF_8));
    }
    keys(tree);
    for (String name : order) {
      busyboxLinks(tree, installed.get(name));
    }
  }

  /**
   * installed (base stanzas, then the new ones in install order), triggers and scripts.tar, without what the packages of
   * {@code removedChecksums} had there; returns the database written.
   */
  private String writeDatabase(ImageTree tree, String baseDb, List<String> order, Map<String, LockedPackage> byName,
      Map<String, ApkArchive.Installed> installed, FileOwners owners, Set<String> removedChecksums) throws IOException {
    StringBuilder db = new StringBuilder(InstalledDb.withoutFiles(baseDb, owners::taken));
    StringBuilder triggers = new StringBuilder(text(tree, TRIGGERS));
    if (triggers.length() > 0 && triggers.charAt(triggers.length() - 1) != '\n') {
      triggers.append('\n');
    }
    if (!removedChecksums.isEmpty()) {
      String kept = triggers.toString().lines().filter(l -> !removedChecksums.contains(l.split(" ", 2)[0]))
          .map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
      triggers.setLength(0);
      triggers.append(kept);
    }
    ScriptsTar scripts = new ScriptsTar();
    byte[] baseScripts = ImageFiles.bytes(tree, SCRIPTS, MAX_DB_BYTES);
    if (baseScripts != null) {
      scripts.addExisting(baseScripts, context.epoch());
      scripts.dropPackages(removedChecksums);
    }
    for (String name : order) {
      LockedPackage p = byName.get(name);
      ApkArchive.Installed i = installed.get(name);
      List<ApkArchive.DbEntry> kept = i.entries().stream()
          .filter(e -> e.directory() || !owners.taken(name).contains(e.path())).toList();
      db.append(InstalledDb.stanza(i.info(), p.checksum(), p.size(), kept));
      i.scripts().forEach((type, bytes) -> scripts.add(i.info(), p.checksum(), type, bytes, context.epoch()));
      List<String> paths = i.info().list("triggers");
      if (!paths.isEmpty() && i.scripts().containsKey("trigger")) {
        triggers.append(p.checksum()).append(' ').append(String.join(" ", paths)).append('\n');
      }
    }
    scripts.sortBy(InstalledDb.checksums(db.toString()));
    // Missing parents (an empty base) are made as root-owned 0755 directories by the tree.
    addGenerated(tree, INSTALLED, db.toString().getBytes(StandardCharsets.UTF_8));
    addGenerated(tree, TRIGGERS, triggers.toString().getBytes(StandardCharsets.UTF_8));
    addGenerated(tree, SCRIPTS, scripts.write());
    return db.toString();
  }

  private static void requireMatches(LockedPackage p, PkgInfo info) {
    if (!p.name().equals(info.name()) || !p.version().equals(info.version())) {
      throw new HostileInputException(LockedPackages.label(p) + ": its .PKGINFO names " + ApkText.printable(info.name()) + " "
          + ApkText.printable(info.version()) + "; check the repository, then run build lock again");
    }
    if (!info.get("arch").isEmpty() && !info.get("arch").equals("noarch") && !info.get("arch").equals(p.architecture())) {
      throw new HostileInputException(LockedPackages.label(p) + ": built for " + ApkText.printable(info.get("arch"))
          + ", the lock pins " + p.architecture() + "; run build lock again");
    }
  }

  /** Dependencies first, as apk's changeset orders them; otherwise by name. */
  private static List<String> installOrder(Map<String, PkgInfo> installed) {
    Map<String, String> providers = new HashMap<>();
    for (Map.Entry<String, PkgInfo> e : new TreeMap<>(installed).entrySet()) {
      providers.putIfAbsent(e.getKey(), e.getKey());
      for (String provided : e.getValue().list("provides")) {
        providers.putIfAbsent(depName(provided), e.getKey());
      }
    }
    List<String> order = new ArrayList<>();
    Set<String> visiting = new HashSet<>();
    for (String name : new TreeSet<>(installed.keySet())) {
      visit(name, installed, providers, visiting, order);
    }
    return order;
  }

  /** Depth-first: a package's providers of dependencies first; {@code visiting} also breaks cycles. */
  private static void visit(String name, Map<String, PkgInfo> installed, Map<String, String> providers,
      Set<String> visiting, List<String> order) {
    if (!visiting.add(name)) {
      return;
    }
    for (String dep : installed.get(name).list("depend")) {
      String provider = dep.startsWith("!") ? null : providers.get(depName(dep));
      if (provider != null) {
        visit(provider, installed, providers, visiting, order);
      }
    }
    order.add(name);
  }

  /** The name of a dependency or provide: what comes before its version constraint. */
  private static String depName(String dep) {
    int end = 0;
    while (end < dep.length() && "=<>~".indexOf(dep.charAt(end)) < 0) {
      end++;
    }
    return dep.substring(0, end);
  }

  /**
   * The base's world with the spec's entries merged in as {@code apk add} does: an entry replaces the base's entry of the
   * same name ({@code busybox=1.36.1-r29} replaces {@code busybox}), and the file lists entries sorted by name.
   */
  private String world(ImageTree tree) throws IOException {
    TreeMap<String, String> entries = new TreeMap<>();
    for (String w : text(tree, WORLD).split("\\s+")) {
      if (!w.isEmpty()) {
        entries.put(worldName(w), w);
      }
    }
    for (String w : world) {
      if (w.isBlank() || w.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
        throw new HostileInputException("world entry '" + ApkText.printable(w) + "' is not a package name; fix the spec");
      }
      entries.put(worldName(w), w);
    }
    return entries.isEmpty() ? "" : String.join("\n", entries.values()) + "\n";
  }

  /** The name a world entry constrains: {@code [!]name[@tag][op version]}. */
  private static String worldName(String entry) {
    String rest = entry.startsWith("!") ? entry.substring(1) : entry;
    int end = 0;
    while (end < rest.length() && "@<>=~".indexOf(rest.charAt(end)) < 0) {
      end++;
    }
    return rest.substring(0, end);
  }

  private void keys(ImageTree tree) throws IOException {
    Map<String, String> keys = new TreeMap<>();
    for (LockedRepository r : repositories) {
      for (LockedRepository.Key k : r.keys() == null ? List.<LockedRepository.Key>of() : r.keys()) {
        if (!KEY_NAME.matcher(k.name()).matches() || Whiteout.isWhiteoutName(k.name())) {
          throw new HostileInputException("repository " + r.name() + ": key name '" + ApkText.printable(k.name())
              + "' is not a plain file name; run build lock again");
        }
        String previous = keys.put(k.name(), k.pem());
        if (previous != null && !previous.equals(k.pem())) {
          throw new HostileInputException("key " + k.name() + " has two different contents in the lock; run build lock again");
        }
      }
    }
    for (Map.Entry<String, String> k : keys.entrySet()) {
      String pem = k.getValue().endsWith("\n") ? k.getValue() : k.getValue() + "\n";
      addGenerated(tree, KEYS.child(k.getKey()), pem.getBytes(StandardCharsets.US_ASCII));
    }
  }

  /**
   * What busybox's trigger ({@code busybox --install -s}) would have made: a link to the binary for each
   * path a package lists in {@code /etc/busybox-paths.d/<name>}, where nothing exists yet.
   */
  private void busyboxLinks(ImageTree tree, ApkArchive.Installed installed) throws IOException {
    for (ApkArchive.DbEntry e : installed.entries()) {
      if (e.directory() || !e.path().value().startsWith(BUSYBOX_PATHS) || !e.path().parent().value().equals("etc/busybox-paths.d")) {
        continue;
      }
      String binary = "/bin/" + e.path().name();
      if (!(tree.lookup(EntryPath.parse(binary)) instanceof Node.RegularFile)) {
        binary = "/bin/busybox";
      }
      String list = ImageFiles.read(tree, e.path(), MAX_LIST_BYTES);
      if (list == null) {
        continue;
      }
      for (String line : list.split("\n")) {
        String path = line.strip();
        if (path.isEmpty() || path.startsWith("#")) {
          continue;
        }
        EntryPath link;
        try {
          link = EntryPath.parse(path);
        } catch (HostileInputException bad) {
          throw new HostileInputException(e.path() + " of package " + installed.info().name() + ": " + bad.getMessage());
        }
        if (!link.isRoot() && tree.lookup(tree.resolveParent(link).child(link.name())) == null) {
          tree.addSymlink(link, new Meta(0777, 0, 0, context.epoch()), binary);
        }
      }
    }
  }

  private static String text(ImageTree tree, EntryPath path) throws IOException {
    String text = ImageFiles.read(tree, path, MAX_DB_BYTES);
    return text == null ? "" : text;
  }

  private static String lines(List<String> values, String what) {
    StringBuilder b = new StringBuilder();
    for (String v : values) {
      if (v.isBlank() || v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new HostileInputException(what + " '" + ApkText.printable(v) + "' is not a single line; fix the spec");
      }
      b.append(v).append('\n');
    }
    return b.toString();
  }

  private void addGenerated(ImageTree tree, EntryPath path, byte[] bytes) throws IOException {
    tree.addFile(path, new Meta(0644, 0, 0, context.epoch()), context.spool().append(new ByteArrayInputStream(bytes), bytes.length, "generated " + path));
  }

  /** Names, versions and checksums become file names and database lines: only what apk allows is accepted. */
  private static void requireValid(LockedPackage p) {
    if (!APK_NAME.matcher(p.name()).matches() || !APK_VERSION.matcher(p.version()).matches()) {
      throw new HostileInputException("locked package '" + ApkText.printable(p.name()) + "' version '"
          + ApkText.printable(p.version()) + "' is not a valid apk package name and version; run build lock again");
    }
    if (p.checksum() == null || !Q1.matcher(p.checksum()).matches()) {
      throw new HostileInputException(LockedPackages.label(p) + ": the lock has no valid Q1 control checksum for it"
          + (p.checksum() == null ? "" : " ('" + ApkText.printable(p.checksum()) + "')") + "; run build lock again");
    }
  }
}
