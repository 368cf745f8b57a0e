package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.text.EditDistance;
import dev.sealbuild.lockfiles.spec.DebianPackageRequest;
import dev.sealbuild.prep.debian.DebianResolutionException.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Resolves the closure of requested packages for one architecture over one or more repository indexes, choosing what
 * {@code apt-get install} (apt 2.6, internal solver, {@code APT::Install-Recommends=false}) chooses on an empty system.
 *
 * <p>apt behaviours matched (from apt's {@code pkgDepCache::MarkInstall} and {@code CompareProviders}):
 * <ul>
 *   <li>Candidate per package name: highest pin priority (500, or 100/1 for NotAutomatic releases, or the
 *       repository's {@code priority:}), then highest version; equal versions: the first repository (apt keeps the
 *       first parsed). A version pinned below 0 is never a candidate.</li>
 *   <li>Only Pre-Depends and Depends are followed, Pre-Depends first, in field order; depth first, marking a package
 *       before descending into its dependencies.</li>
 *   <li>A dependency already satisfied by a selected package (directly or via Provides) is skipped: a selected
 *       alternative wins.</li>
 *   <li>Otherwise candidates are tried alternative by alternative; within one alternative the real package and its
 *       providers are ordered like apt's CompareProviders: the package named by the relation first, then Essential,
 *       then Important/Protected, then Priority (required &gt; important &gt; standard &gt; optional &gt; extra; a
 *       missing Priority sorts first as in apt), then the package apt's cache created last (emulated by the order in
 *       which names are first mentioned in the indexes).</li>
 *   <li>Versioned relations are satisfied by a real version or by a versioned {@code Provides: x (= v)}; unversioned
 *       Provides only satisfy unversioned relations. {@code x:any} is satisfied by Multi-Arch: allowed packages (and
 *       their Provides), {@code x:native} and {@code x:ARCH} by this architecture's packages.</li>
 *   <li>A candidate whose Pre-Depends/Depends cannot be met by any candidate is discarded; a candidate whose
 *       dependencies fail to install is unmarked and discarded, but what it already pulled in stays selected.</li>
 *   <li>Several requested packages are all marked first, then their dependencies resolved in apt's package-ID order.
 *       A requested name that only exists as a virtual package resolves to its sole provider.</li>
 *   <li>Finally apt's autoremover sweep: a selected package no longer reachable from the requested, Essential or
 *       Important ones through Pre-Depends, Depends, Recommends or Suggests (left behind by a discarded alternative)
 *       is dropped, as apt-get drops new installs that are already garbage.</li>
 * </ul>
 * Verified against the real apt-get 2.6 on bookworm main (the test set plus 400 random packages) and on generated
 * repositories exercising provider ties, priorities, versioned Provides and {@code :any}.
 * Deliberate differences: no installed system, holds, pins files or phased updates; a candidate that conflicts with
 * (Conflicts/Breaks) or is conflicted by an already selected package is skipped, where apt would unmark the older one
 * and leave the problem resolver to sort it out; the problem resolver itself is not emulated: an unsatisfiable closure
 * is an error naming the dependency chain. Essential packages are not added implicitly (apt-get install does not add
 * them either). One architecture only; packages from other architectures never satisfy anything. The autoremover's
 * "latest source version" and kernel rules ({@code APT::NeverAutoRemove}) are not emulated.
 *
 * <p>Not thread-safe: use one resolver per thread (parsed relation fields are cached).
 *
 * <p>Requests may be {@code name=version} or {@code name/suite}, as for apt-get install: the named version becomes the
 * candidate (for a suite, with apt's SetCandidateRelease switching of unmet versioned dependencies).
 *
 * <p>Excluded names are never selected, yet count as present, as apt treats installed packages: a dependency an
 * excluded candidate would satisfy (directly or through Provides) is dropped, not satisfied by another alternative or
 * provider, and reported in {@link DebianResolution#droppedDependencies()}.
 */
public final class DebianResolver {
  private static final int MAX_DEPTH = 3000;

  private final String architecture;
  private final String repositoryNames;
  /** Every version of each name, index order. */
  private final Map<String, List<Entry>> versionsByName = new HashMap<>();
  /** apt's candidate version per name, before exclusions. */
  private final Map<String, Entry> candidates = new HashMap<>();
  /** Provided name to the candidate versions providing it. */
  private final Map<String, List<Provide>> providersByName = new HashMap<>();
  /** Emulates apt's package ID: the order in which the cache generator first created a package of that name. */
  private final Map<String, Integer> creationOrder = new HashMap<>();
  private final Set<String> essentialNames = new HashSet<>();
  private final Set<String> importantNames = new HashSet<>();
  private final Map<DebianPackage, Parsed> parsed = new IdentityHashMap<>();
  private final List<DebianRepositoryIndex> indexes;
  /** Resolvers over other architectures' indexes, for {@code name:arch} requests naming them. */
  private final Map<String, DebianResolver> foreign = new TreeMap<>();
  private final Comparator<Entry> best = Comparator.comparingInt((Entry e) -> e.repository().pinPriority())
      .thenComparing(e -> e.pkg().version())
      .thenComparing(Comparator.comparingInt(Entry::repositoryOrder).reversed())
      .thenComparing(Comparator.comparingInt(Entry::position).reversed());

  /** One version of a package in one repository. */
  private record Entry(DebianPackage pkg, DebianRepositoryIndex repository, int repositoryOrder, int position) {
    String name() {
      return pkg.name();
    }
  }

  private record Provide(Entry provider, Relation relation) {
  }

  /**
   * @param critical Pre-Depends then Depends, as or-groups
   * @param negative Conflicts and Breaks
   * @param keepAlive every alternative of Pre-Depends, Depends, Recommends and Suggests: what apt's autoremover
   *     follows to decide that a package is still needed
   */
  private record Parsed(List<RelationGroup> critical, List<Relation> negative, List<Relation> keepAlive) {
  }

  /** A way to satisfy one alternative: a package, and how it was reached for messages. */
  private record Solution(Entry entry, String label) {
  }

  /** Why a package could not be installed: the relations followed from it, and the reason at the end. */
  private record Failure(List<String> steps, String reason) {
    Failure prefixed(String step) {
      List<String> longer = new ArrayList<>();
      longer.add(step);
      longer.addAll(steps);
      return new Failure(longer, reason);
    }

    String describe(String start) {
      StringBuilder s = new StringBuilder(start);
      steps.forEach(step -> s.append(" -> ").append(step));
      return s.append(": ").append(reason).toString();
    }
  }

  /**
   * @param indexes in apt source order (earlier wins ties); all for the same architecture
   * @throws DebianResolutionException if a Provides field cannot be parsed
   */
  public DebianResolver(List<DebianRepositoryIndex> indexes) throws DebianResolutionException {
    this(indexes, Map.of());
  }

  /**
   * A resolver that also takes {@code name:arch} requests for other architectures, over {@code foreignIndexes} (per
   * architecture, in apt source order).
   */
  public DebianResolver(List<DebianRepositoryIndex> indexes, Map<String, List<DebianRepositoryIndex>> foreignIndexes)
      throws DebianResolutionException {
    if (indexes.isEmpty()) {
      throw new IllegalArgumentException("at least one repository index is needed");
    }
    this.architecture = indexes.get(0).architecture();
    this.indexes = List.copyOf(indexes);
    this.repositoryNames = indexes.stream().map(i -> i.repositoryName() + " (" + i.suite() + ")")
        .distinct().collect(Collectors.joining(", "));
    for (DebianRepositoryIndex index : indexes) {
      if (!index.architecture().equals(architecture)) {
        throw new IllegalArgumentException("indexes mix architectures " + architecture + " and "
            + index.architecture() + " (" + index.repositoryName() + ")");
      }
    }
    List<Entry> inIndexOrder = new ArrayList<>();
    for (int r = 0; r < indexes.size(); r++) {
      DebianRepositoryIndex index = indexes.get(r);
      index.nameOrder().appendTo(creationOrder);
      int position = 0;
      for (DebianPackage pkg : index.packages()) {
        Entry entry = new Entry(pkg, index, r, position++);
        inIndexOrder.add(entry);
        versionsByName.computeIfAbsent(pkg.name(), k -> new ArrayList<>()).add(entry);
        if (pkg.essential()) {
          essentialNames.add(pkg.name());
        }
        if (pkg.important()) {
          importantNames.add(pkg.name());
        }
      }
    }
    for (Map.Entry<String, List<DebianRepositoryIndex>> e : foreignIndexes.entrySet()) {
      if (!e.getKey().equals(architecture)) {
        foreign.put(e.getKey(), new DebianResolver(e.getValue()));
      }
    }
    // apt forces its own package essential (pkgCacheGen::ForceEssential)
    essentialNames.add("apt");
    importantNames.add("apt");
    for (Map.Entry<String, List<Entry>> e : versionsByName.entrySet()) {
      // apt: a version pinned below 0 is never a candidate
      e.getValue().stream().filter(x -> x.repository().pinPriority() >= 0).max(best)
          .ifPresent(c -> candidates.put(e.getKey(), c));
    }
    // in index order, so that everything derived from these lists is deterministic
    List<Entry> orderedCandidates = new ArrayList<>();
    for (Entry entry : inIndexOrder) {
      if (candidates.get(entry.name()) == entry) {
        orderedCandidates.add(entry);
      }
    }
    Map<String, List<Relation>> parsedProvides = new IdentityHashMap<>();
    for (Entry candidate : orderedCandidates) {
      String field = candidate.pkg().relations().provides();
      if (field.isEmpty()) {
        continue;
      }
      List<Relation> provides = parsedProvides.get(field);
      if (provides == null) {
        provides = parseProvides(candidate);
        parsedProvides.put(field, provides);
      }
      for (Relation provide : provides) {
        if (provide.archQualifier().isEmpty()) {
          providersByName.computeIfAbsent(provide.name(), k -> new ArrayList<>()).add(new Provide(candidate, provide));
        }
      }
    }
  }

  public String architecture() {
    return architecture;
  }

  /**
   * Resolves {@code requested} and their dependencies. A request is a package name (or a virtual name with a single
   * provider), {@code name=version} (that exact version becomes the candidate) or {@code name/suite} (the candidate
   * from the repositories whose suite or codename is {@code suite}, apt's target release).
   *
   * @param exclude names never to install, even when depended upon: they count as present, so a dependency one of them
   *     would satisfy is dropped rather than satisfied by another package
   * @throws IllegalArgumentException if a request is not in that syntax
   */
  public DebianResolution resolve(List<String> requested, Collection<String> exclude)
      throws DebianResolutionException {
    return resolve(requested, exclude, List.of());
  }

  /**
   * As {@link #resolve(List, Collection)} on a system where {@code installed} are installed (a base's dpkg database): a
   * dependency they satisfy (by name and version, or Provides; this architecture's, {@code all}, or Multi-Arch: foreign
   * packages; {@code :any} only by Multi-Arch: allowed ones) is not installed again, a requested name already installed
   * is left as it is, and the result lists only what is added. A package that would replace an installed one (a newer
   * version needed), or that conflicts with or breaks an installed one (or is conflicted by one), is refused: removing or
   * upgrading base packages is not supported.
   */
  public DebianResolution resolve(List<String> requested, Collection<String> exclude, List<InstalledDebianPackage> installed)
      throws DebianResolutionException {
    List<String> own = new ArrayList<>();
    Map<String, List<String>> byForeignArch = new TreeMap<>();
    for (String text : new LinkedHashSet<>(requested)) {
      String arch = DebianPackageRequest.parse(text).architectureOn(architecture);
      if (arch.equals(architecture)) {
        own.add(text);
      } else {
        byForeignArch.computeIfAbsent(arch, k -> new ArrayList<>()).add(text);
      }
    }
    if (byForeignArch.isEmpty()) {
      return resolveOwn(own, exclude, installed);
    }
    List<ResolvedDebianPackage> fromForeign = new ArrayList<>();
    List<InstalledDebianPackage> present = new ArrayList<>(installed);
    List<String> dropped = new ArrayList<>();
    List<DebianResolution.Exclusion> exclusions = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : byForeignArch.entrySet()) {
      DebianResolver other = foreign.get(e.getKey());
      if (other == null) {
        throw new DebianResolutionException(Kind.FOREIGN_ARCHITECTURE, "package '" + e.getValue().get(0) + "': no "
            + e.getKey() + " index was read for this " + architecture + " platform; check the architecture name");
      }
      DebianResolution resolution = other.resolve(e.getValue(), exclude, installed);
      Set<String> requestedNames = e.getValue().stream().map(r -> DebianPackageRequest.parse(r).name())
          .collect(Collectors.toSet());
      // a requested package that is not foreign is named before what it needs
      List<ResolvedDebianPackage> requestedFirst = new ArrayList<>(resolution.packages());
      requestedFirst.sort(Comparator.comparing((ResolvedDebianPackage p) -> !requestedNames.contains(p.name())));
      for (ResolvedDebianPackage p : requestedFirst) {
        if (p.multiArch() != DebianPackage.MultiArch.FOREIGN) {
          String what = "package '" + String.join(", ", e.getValue()) + "' for " + architecture + ": "
              + (requestedNames.contains(p.name()) ? "" : "it needs ")
              + p.name() + " " + p.version().text() + " " + p.architecture() + ", which is Multi-Arch: "
              + p.multiArch().name().toLowerCase(Locale.ROOT);
          // apt counts an Architecture: all package as the native one: another architecture's packages cannot use it
          throw new DebianResolutionException(Kind.FOREIGN_ARCHITECTURE, p.architecture().equals("all")
              ? what + ", so apt cannot install it for " + e.getKey() + " either; drop ':" + e.getKey() + "'"
              : what + "; only Multi-Arch: foreign packages of another architecture are installed (apt needs that"
                  + " architecture enabled for it), so add " + ociPlatform(e.getKey()) + " to platforms or drop ':"
                  + e.getKey() + "'");
        }
        fromForeign.add(p);
        DebianPackage pkg = other.indexedPackage(p);
        present.add(new InstalledDebianPackage(pkg.name(), pkg.version(), pkg.architecture(), pkg.multiArch(),
            pkg.relations().provides(), pkg.relations().conflicts(), pkg.relations().breaks()));
      }
      dropped.addAll(resolution.droppedDependencies());
      exclusions.addAll(resolution.excluded());
    }
    for (String text : own) {
      String name = DebianPackageRequest.parse(text).name();
      for (ResolvedDebianPackage p : fromForeign) {
        if (p.name().equals(name) && !p.architecture().equals("all")) {
          // apt: a package of one name and another architecture conflicts with it unless Multi-Arch: same
          throw new DebianResolutionException(Kind.CONFLICTING_REQUESTS, "package " + name + " is requested for "
              + architecture + " (" + text + ") and for " + p.architecture() + " (" + byForeignArch.get(p.architecture())
              .stream().filter(r -> DebianPackageRequest.parse(r).name().equals(name)).findFirst().orElse(name + ":"
              + p.architecture() + ", needed by " + String.join(", ", byForeignArch.get(p.architecture()))) + "); keep one");
        }
      }
    }
    DebianResolution mine = resolveOwn(own, exclude, present);
    Map<String, ResolvedDebianPackage> all = new TreeMap<>();
    for (ResolvedDebianPackage p : fromForeign) {
      all.putIfAbsent(p.name(), p);
    }
    for (ResolvedDebianPackage p : mine.packages()) {
      all.putIfAbsent(p.name(), p);
    }
    dropped.addAll(mine.droppedDependencies());
    exclusions.addAll(mine.excluded());
    Map<String, Set<String>> neededBy = new TreeMap<>();
    Map<String, Set<String>> dependencies = new TreeMap<>();
    for (DebianResolution.Exclusion x : exclusions) {
      neededBy.computeIfAbsent(x.name(), k -> new TreeSet<>()).addAll(x.neededBy());
      dependencies.computeIfAbsent(x.name(), k -> new TreeSet<>()).addAll(x.dependencies());
    }
    return new DebianResolution(List.copyOf(all.values()), List.copyOf(new TreeSet<>(dropped)), neededBy.entrySet()
        .stream().map(x -> new DebianResolution.Exclusion(x.getKey(), List.copyOf(x.getValue()),
            List.copyOf(dependencies.get(x.getKey())))).toList());
  }

  /** The OCI platform of a Debian architecture, for messages (the inverse of prep.packages.DebianArchitectures). */
  private static String ociPlatform(String arch) {
    return switch (arch) {
      case "i386" -> "linux/386";
      case "armhf" -> "linux/arm/v7";
      case "armel" -> "linux/arm/v5";
      case "ppc64el" -> "linux/ppc64le";
      default -> "linux/" + arch;
    };
  }

  /** The indexed package a resolution of this resolver returned. */
  private DebianPackage indexedPackage(ResolvedDebianPackage p) {
    return versionsByName.get(p.name()).stream().map(Entry::pkg)
        .filter(x -> x.version().equals(p.version()) && x.sha256().equals(p.sha256())).findFirst().orElseThrow();
  }

  private DebianResolution resolveOwn(List<String> requested, Collection<String> exclude,
      List<InstalledDebianPackage> installed) throws DebianResolutionException {
    Installed base = new Installed(installed);
    List<String> wanted = new ArrayList<>();
    for (String text : new LinkedHashSet<>(requested)) {
      DebianPackageRequest request = DebianPackageRequest.parse(text);
      InstalledDebianPackage have = base.byName(request.name());
      if (have != null && (request.version().isEmpty() || request.version().get().equals(have.version().text()))) {
        continue;
      }
      wanted.add(text);
    }
    if (wanted.isEmpty()) {
      return new DebianResolution(List.of(), List.of(), List.of());
    }
    return resolve(wanted, exclude, base);
  }

  private DebianResolution resolve(List<String> requested, Collection<String> exclude, Installed installed)
      throws DebianResolutionException {
    Set<String> excluded = Set.copyOf(exclude);
    Map<String, DebianPackageRequest> requests = new LinkedHashMap<>();
    for (String text : new LinkedHashSet<>(requested)) {
      DebianPackageRequest request = DebianPackageRequest.parse(text);
      DebianPackageRequest other = requests.put(request.name(), request);
      if (other != null) {
        throw new DebianResolutionException(Kind.CONFLICTING_REQUESTS, "package " + request.name()
            + " is requested twice (" + other + ", " + request + "); keep one");
      }
    }
    Map<String, Entry> chosen = new HashMap<>();
    for (DebianPackageRequest request : requests.values()) {
      if (excluded.contains(request.name())) {
        throw new DebianResolutionException(Kind.EXCLUDED,
            "package " + request.name() + " is both requested and excluded; remove it from one of the lists");
      }
      Entry entry = chosenVersion(request);
      if (entry != null) {
        chosen.put(request.name(), entry);
      }
    }
    for (DebianPackageRequest request : requests.values()) {
      if (request.suite().isPresent()) {
        switchDependenciesToRelease(chosen.get(request.name()), inSuite(request.suite().get()), chosen,
            new HashSet<>());
      }
    }
    return new Run(excluded, chosen, installed).resolve(requests.values());
  }

  /** The version {@code name=version} or {@code name/suite} selects, or null for a plain name. */
  private Entry chosenVersion(DebianPackageRequest request) throws DebianResolutionException {
    List<Entry> versions = versionsByName.getOrDefault(request.name(), List.of());
    if (request.version().isPresent()) {
      String version = request.version().get();
      if (versions.isEmpty()) {
        throw unknownPackage(request.name());
      }
      return versions.stream().filter(e -> e.pkg().version().text().equals(version))
          .min(Comparator.comparingInt(Entry::repositoryOrder).thenComparingInt(Entry::position))
          .orElseThrow(() -> new DebianResolutionException(Kind.UNKNOWN_VERSION, "version " + version + " of "
              + request.name() + " is not in " + repositoryNames + " for " + architecture + "; available: "
              + versions.stream().map(e -> e.pkg().version()).distinct().sorted(Comparator.reverseOrder())
              .map(DebianVersion::text).collect(Collectors.joining(", "))));
    }
    if (request.suite().isPresent()) {
      String suite = request.suite().get();
      List<DebianRepositoryIndex> inSuite = inSuite(suite);
      if (inSuite.isEmpty()) {
        throw new DebianResolutionException(Kind.UNKNOWN_SUITE, "package " + request + ": no repositories: entry"
            + " has suite '" + suite + "'; suites: " + indexes.stream().map(DebianRepositoryIndex::suite).distinct()
            .collect(Collectors.joining(", ")));
      }
      if (versions.isEmpty()) {
        throw unknownPackage(request.name());
      }
      return versions.stream().filter(e -> inSuite.contains(e.repository())).max(best)
          .orElseThrow(() -> new DebianResolutionException(Kind.UNKNOWN_VERSION, "package " + request.name()
              + " is not in suite " + suite + " (" + inSuite.stream().map(DebianRepositoryIndex::repositoryName)
              .distinct().collect(Collectors.joining(", ")) + ") for " + architecture + "; it is in "
              + versions.stream().map(e -> e.repository().suite() + " (" + e.pkg().version().text() + ")")
              .distinct().collect(Collectors.joining(", "))));
    }
    return null;
  }

  /** The indexes apt's target release {@code suite} matches: by suite (Archive) or codename, ignoring case. */
  private List<DebianRepositoryIndex> inSuite(String suite) {
    return indexes.stream()
        .filter(i -> i.suite().equalsIgnoreCase(suite) || i.codename().equalsIgnoreCase(suite)).toList();
  }

  /**
   * apt's {@code SetCandidateRelease}: a Depends or Pre-Depends of a version chosen by target release that the current
   * candidates do not satisfy switches the candidate of the named package to its version from the same release, when
   * that version satisfies it, recursively. Returns false (undoing its own switches) when a dependency stays unmet;
   * apt ignores that result at the top and lets the install fail later.
   */
  private boolean switchDependenciesToRelease(Entry target, List<DebianRepositoryIndex> release,
      Map<String, Entry> chosen, Set<Entry> switched) throws DebianResolutionException {
    Map<String, Entry> before = new HashMap<>(chosen);
    for (RelationGroup group : parse(target).critical()) {
      if (alreadySatisfiable(group, chosen)) {
        continue;
      }
      boolean fine = false;
      for (Relation relation : group.alternatives()) {
        if (!relation.isVersioned()) {
          continue;
        }
        Entry fromRelease = versionsByName.getOrDefault(relation.name(), List.of()).stream()
            .filter(e -> release.contains(e.repository())).max(best).orElse(null);
        if (fromRelease == null || !relation.acceptsVersion(fromRelease.pkg().version())) {
          continue;
        }
        Entry old = chosen.get(relation.name());
        if (switched.contains(fromRelease)) {
          fine = true;
          break;
        }
        chosen.put(relation.name(), fromRelease);
        switched.add(fromRelease);
        if (switchDependenciesToRelease(fromRelease, release, chosen, switched)) {
          fine = true;
          break;
        }
        switched.remove(fromRelease);
        if (old == null) {
          chosen.remove(relation.name());
        } else {
          chosen.put(relation.name(), old);
        }
      }
      if (!fine) {
        chosen.clear();
        chosen.putAll(before);
        return false;
      }
    }
    return true;
  }

  /**
   * The first pass of apt's SetCandidateRelease: some alternative is met by the current candidate of its package (or,
   * unversioned, by a provider), and that candidate's own dependencies can be met by candidates (apt's DepCandMin).
   */
  private boolean alreadySatisfiable(RelationGroup group, Map<String, Entry> chosen) throws DebianResolutionException {
    for (Relation relation : group.alternatives()) {
      Entry candidate = chosen.getOrDefault(relation.name(), candidates.get(relation.name()));
      if (!relation.isVersioned()) {
        for (Provide provide : providersByName.getOrDefault(relation.name(), List.of())) {
          Entry provider = provide.provider();
          if (chosen.getOrDefault(provider.name(), candidates.get(provider.name())) == provider
              && dependenciesMetByCandidates(provider, chosen)) {
            return true;
          }
        }
        if (candidate != null && dependenciesMetByCandidates(candidate, chosen)) {
          return true;
        }
      } else if (candidate != null && relation.acceptsVersion(candidate.pkg().version())
          && dependenciesMetByCandidates(candidate, chosen)) {
        return true;
      }
    }
    return false;
  }

  /** apt's DepCandMin: every Pre-Depends and Depends of {@code entry} has an alternative some candidate meets. */
  private boolean dependenciesMetByCandidates(Entry entry, Map<String, Entry> chosen)
      throws DebianResolutionException {
    for (RelationGroup group : parse(entry).critical()) {
      boolean met = false;
      for (Relation relation : group.alternatives()) {
        Entry candidate = chosen.getOrDefault(relation.name(), candidates.get(relation.name()));
        if (candidate != null && relation.acceptsVersion(candidate.pkg().version())) {
          met = true;
          break;
        }
        for (Provide provide : providersByName.getOrDefault(relation.name(), List.of())) {
          Entry provider = provide.provider();
          if (chosen.getOrDefault(provider.name(), candidates.get(provider.name())) == provider
              && providesSatisfy(provide.relation(), relation)) {
            met = true;
            break;
          }
        }
        if (met) {
          break;
        }
      }
      if (!met) {
        return false;
      }
    }
    return true;
  }

  /** Why a name that has versions has no candidate. */
  private String pinnedBelowZero(String name) {
    return "every version of " + name + " is in a repository whose priority is below 0 (" + versionsByName.get(name)
        .stream().map(e -> e.repository().repositoryName() + " " + e.pkg().version().text()
            + " priority " + e.repository().pinPriority()).distinct().collect(Collectors.joining(", ")) + ")";
  }

  private DebianResolutionException unknownPackage(String name) {
    return new DebianResolutionException(Kind.UNKNOWN_PACKAGE, "unknown package '" + name + "' for " + architecture
        + " in " + repositoryNames + suggestions(name));
  }

  private Parsed parse(Entry entry) throws DebianResolutionException {
    Parsed p = parsed.get(entry.pkg());
    if (p != null) {
      return p;
    }
    DebianPackage.RelationFields f = entry.pkg().relations();
    String field = "Pre-Depends";
    try {
      List<RelationGroup> critical = new ArrayList<>(DependencyParser.parse(f.preDepends(), architecture));
      field = "Depends";
      critical.addAll(DependencyParser.parse(f.depends(), architecture));
      field = "Conflicts";
      List<Relation> negative = new ArrayList<>(DependencyParser.parseFlat(f.conflicts()));
      field = "Breaks";
      negative.addAll(DependencyParser.parseFlat(f.breaks()));
      List<Relation> keepAlive = new ArrayList<>();
      critical.forEach(g -> keepAlive.addAll(g.alternatives()));
      field = "Recommends";
      DependencyParser.parse(f.recommends(), architecture).forEach(g -> keepAlive.addAll(g.alternatives()));
      field = "Suggests";
      DependencyParser.parse(f.suggests(), architecture).forEach(g -> keepAlive.addAll(g.alternatives()));
      p = new Parsed(List.copyOf(critical), List.copyOf(negative), List.copyOf(keepAlive));
    } catch (IllegalArgumentException e) {
      throw new DebianResolutionException(Kind.MALFORMED_RELATION, "malformed " + field + " of "
          + entry.pkg().label() + " in " + entry.repository().repositoryName() + ": " + e.getMessage());
    }
    parsed.put(entry.pkg(), p);
    return p;
  }

  /** Provides as apt keeps them: only unversioned and {@code (= v)} ones (apt ignores others with a warning). */
  private static List<Relation> parseProvides(Entry entry) throws DebianResolutionException {
    try {
      return DependencyParser.parseFlat(entry.pkg().relations().provides()).stream()
          .filter(r -> r.operator().isEmpty() || r.operator().get() == Relation.Operator.EQUAL)
          .toList();
    } catch (IllegalArgumentException e) {
      throw new DebianResolutionException(Kind.MALFORMED_RELATION, "malformed Provides of "
          + entry.pkg().label() + " in " + entry.repository().repositoryName() + ": " + e.getMessage());
    }
  }

  private static int priorityRank(String priority) {
    return switch (priority.toLowerCase(Locale.ROOT)) {
      case "" -> 0;
      case "required" -> 1;
      case "important" -> 2;
      case "standard" -> 3;
      case "optional" -> 4;
      default -> 5;
    };
  }

  /** apt's CompareProviders for a relation, restricted to what matters without an installed system. */
  private Comparator<Entry> providerOrder(Relation relation) {
    return (a, b) -> {
      boolean aTarget = relation.archQualifier().isEmpty() && a.name().equals(relation.name());
      boolean bTarget = relation.archQualifier().isEmpty() && b.name().equals(relation.name());
      if (aTarget != bTarget) {
        return aTarget ? -1 : 1;
      }
      boolean aEssential = essentialNames.contains(a.name());
      if (aEssential != essentialNames.contains(b.name())) {
        return aEssential ? -1 : 1;
      }
      boolean aImportant = importantNames.contains(a.name());
      if (aImportant != importantNames.contains(b.name())) {
        return aImportant ? -1 : 1;
      }
      int byPriority = Integer.compare(priorityRank(a.pkg().priority()), priorityRank(b.pkg().priority()));
      if (byPriority != 0) {
        return byPriority;
      }
      return Integer.compare(creationOrder.getOrDefault(b.name(), -1), creationOrder.getOrDefault(a.name(), -1));
    };
  }

  /** State of one resolution. */
  private final class Run {
    private final Set<String> excluded;
    /** Candidates replaced by a request's version or suite (apt's SetCandidateVersion). */
    private final Map<String, Entry> chosen;
    /** What the chosen versions provide, where the replaced candidates' Provides no longer count. */
    private final Map<String, List<Provide>> chosenProvides = new HashMap<>();
    private final Map<String, Entry> selected = new LinkedHashMap<>();
    private final Map<String, Failure> discarded = new HashMap<>();
    private final Installed installed;

    Run(Set<String> excluded, Map<String, Entry> chosen, Installed installed) throws DebianResolutionException {
      this.installed = installed;
      this.excluded = excluded;
      this.chosen = chosen;
      for (Entry entry : chosen.values()) {
        for (Relation provide : parseProvides(entry)) {
          if (provide.archQualifier().isEmpty()) {
            chosenProvides.computeIfAbsent(provide.name(), k -> new ArrayList<>()).add(new Provide(entry, provide));
          }
        }
      }
    }

    /** apt's candidate for a name in this run (excluded and discarded names included), or null when unknown. */
    private Entry currentCandidate(String name) {
      Entry entry = chosen.get(name);
      return entry != null ? entry : candidates.get(name);
    }

    /** The Provides of current candidates for a name. */
    private List<Provide> providers(String name) {
      List<Provide> base = providersByName.getOrDefault(name, List.of());
      List<Provide> extra = chosenProvides.getOrDefault(name, List.of());
      if (chosen.isEmpty()) {
        return base;
      }
      List<Provide> all = new ArrayList<>();
      for (Provide p : base) {
        if (!chosen.containsKey(p.provider().name())) {
          all.add(p);
        }
      }
      all.addAll(extra);
      return all;
    }

    DebianResolution resolve(Collection<DebianPackageRequest> requested) throws DebianResolutionException {
      List<Entry> tops = new ArrayList<>();
      Map<Entry, String> requestedAs = new IdentityHashMap<>();
      for (DebianPackageRequest request : requested) {
        Entry top = requestedEntry(request.name());
        if (!requestedAs.containsKey(top)) {
          tops.add(top);
          requestedAs.put(top, request.toString());
        }
      }
      for (Entry top : tops) {
        selected.put(top.name(), top);
      }
      tops.sort(Comparator.comparingInt(e -> creationOrder.getOrDefault(e.name(), Integer.MAX_VALUE)));
      for (Entry top : tops) {
        String start = requestedAs.get(top).equals(top.name()) || chosen.get(top.name()) == top
            ? requestedAs.get(top) : requestedAs.get(top) + " (provided by " + top.name() + ")";
        Failure failure = null;
        List<RelationGroup> toInstall = new ArrayList<>();
        for (RelationGroup group : parse(top).critical()) {
          if (satisfiedBySelection(group) || installed.satisfies(group) || satisfiedByExcluded(group)) {
            continue;
          }
          if (!satisfiableByCandidates(group)) {
            failure = noSolution(group);
            break;
          }
          toInstall.add(group);
        }
        if (failure == null) {
          failure = installDependencies(top, toInstall, 0, false);
        }
        if (failure != null) {
          throw new DebianResolutionException(Kind.UNSATISFIABLE, "cannot install " + requestedAs.get(top) + " for "
              + architecture + ": " + failure.describe(start));
        }
      }
      sweepUnreachable(tops);
      checkClosed();
      checkInstalled();
      List<ResolvedDebianPackage> result = new ArrayList<>();
      for (Entry e : selected.values()) {
        result.add(toResolved(e));
      }
      result.sort(Comparator.comparing(ResolvedDebianPackage::name));
      return new DebianResolution(result, droppedDependencies(), exclusions());
    }

    private Entry requestedEntry(String name) throws DebianResolutionException {
      Entry real = candidate(name);
      if (real != null) {
        return real;
      }
      List<Entry> providers = providers(name).stream()
          .map(Provide::provider)
          .filter(p -> candidate(p.name()) == p)
          .distinct()
          .toList();
      if (providers.size() == 1) {
        return providers.get(0);
      }
      if (providers.size() > 1) {
        throw new DebianResolutionException(Kind.AMBIGUOUS_VIRTUAL, "package " + name
            + " is virtual and provided by several packages, request one of them: "
            + providers.stream().map(Entry::name).sorted().collect(Collectors.joining(", ")));
      }
      if (versionsByName.containsKey(name) && candidates.get(name) == null) {
        throw new DebianResolutionException(Kind.UNKNOWN_VERSION, "package " + name + " has no installation candidate: "
            + pinnedBelowZero(name) + "; raise that entry's priority: or request " + name + "=VERSION");
      }
      throw unknownPackage(name);
    }

    /** apt's MarkInstall for an automatically installed package; null on success. */
    private Failure markInstall(Entry entry, int depth) throws DebianResolutionException {
      String name = entry.name();
      if (selected.get(name) == entry) {
        return null;
      }
      if (depth > MAX_DEPTH) {
        return new Failure(List.of(), "dependency chain deeper than " + MAX_DEPTH);
      }
      List<RelationGroup> toInstall = new ArrayList<>();
      for (RelationGroup group : parse(entry).critical()) {
        if (satisfiedBySelection(group) || installed.satisfies(group) || satisfiedByExcluded(group)) {
          continue;
        }
        if (!satisfiableByCandidates(group)) {
          // apt's IsInstallOkDependenciesSatisfiableByCandidates: the candidate is dropped for good
          Failure failure = noSolution(group);
          discarded.put(name, failure);
          return failure;
        }
        toInstall.add(group);
      }
      String conflict = conflictWithSelection(entry);
      if (conflict != null) {
        return new Failure(List.of(), conflict);
      }
      selected.put(name, entry);
      Failure failure = installDependencies(entry, toInstall, depth, true);
      if (failure != null) {
        // apt's MarkInstall_DiscardInstall: unmark this package and forget its candidate, keep what it pulled in
        selected.remove(name);
        discarded.put(name, failure);
      }
      return failure;
    }

    private Failure installDependencies(Entry entry, List<RelationGroup> groups, int depth, boolean failEarly)
        throws DebianResolutionException {
      Failure first = null;
      for (RelationGroup group : groups) {
        if (satisfiedBySelection(group) || installed.satisfies(group)) {
          continue;
        }
        List<Solution> solutions = possibleSolutions(group);
        Failure groupFailure = null;
        boolean found = false;
        for (Solution solution : solutions) {
          if (candidate(solution.entry().name()) != solution.entry()) {
            continue;
          }
          Failure failure = markInstall(solution.entry(), depth + 1);
          if (failure == null) {
            found = true;
            break;
          }
          if (groupFailure == null) {
            groupFailure = failure.prefixed(solution.label());
          }
        }
        if (found) {
          continue;
        }
        Failure failure = groupFailure != null ? groupFailure : noSolution(group);
        if (failEarly) {
          return failure;
        }
        if (first == null) {
          first = failure;
        }
      }
      return first;
    }

    /** apt's getAllPossibleSolutions: per alternative, target and providers in CompareProviders order. */
    private List<Solution> possibleSolutions(RelationGroup group) {
      List<Solution> all = new ArrayList<>();
      for (Relation relation : group.alternatives()) {
        List<Entry> entries = new ArrayList<>(solutionsFor(relation, true));
        entries.sort(providerOrder(relation));
        for (Entry e : entries) {
          if (!all.isEmpty() && all.get(all.size() - 1).entry() == e) {
            continue;
          }
          String label = e.name().equals(relation.name()) ? relation.toString()
              : relation + " (provided by " + e.name() + ")";
          all.add(new Solution(e, label));
        }
      }
      return all;
    }

    /** Candidates satisfying one relation; with {@code available} only those not excluded or discarded. */
    private List<Entry> solutionsFor(Relation relation, boolean available) {
      List<Entry> result = new ArrayList<>();
      String qualifier = relation.archQualifier().orElse("");
      boolean anyArch = qualifier.equals("any");
      if (!qualifier.isEmpty() && !anyArch && !qualifier.equals("native") && !qualifier.equals(architecture)) {
        return result;
      }
      Entry real = available ? candidate(relation.name()) : currentCandidate(relation.name());
      if (real != null && relation.acceptsVersion(real.pkg().version())
          && (!anyArch || real.pkg().multiArch() == DebianPackage.MultiArch.ALLOWED)) {
        result.add(real);
      }
      for (Provide provide : providers(relation.name())) {
        Entry provider = provide.provider();
        if (available && candidate(provider.name()) != provider) {
          continue;
        }
        if (anyArch && provider.pkg().multiArch() != DebianPackage.MultiArch.ALLOWED) {
          continue;
        }
        if (providesSatisfy(provide.relation(), relation)) {
          result.add(provider);
        }
      }
      return result;
    }

    private boolean satisfiedBySelection(RelationGroup group) {
      for (Relation relation : group.alternatives()) {
        for (Entry e : solutionsFor(relation, false)) {
          if (selected.get(e.name()) == e) {
            return true;
          }
        }
      }
      return false;
    }

    private boolean satisfiableByCandidates(RelationGroup group) {
      for (Relation relation : group.alternatives()) {
        if (!solutionsFor(relation, true).isEmpty()) {
          return true;
        }
      }
      return false;
    }

    /**
     * An excluded package counts as present: a dependency it would satisfy is dropped, not satisfied by another
     * alternative or provider (apt with the excluded packages installed does the same).
     */
    private boolean satisfiedByExcluded(RelationGroup group) {
      return !excludedSolutions(group).isEmpty();
    }

    private List<String> excludedSolutions(RelationGroup group) {
      Set<String> names = new TreeSet<>();
      for (Relation relation : group.alternatives()) {
        for (Entry e : solutionsFor(relation, false)) {
          if (excluded.contains(e.name())) {
            names.add(e.name());
          }
        }
      }
      return List.copyOf(names);
    }

    /** The current candidate for a name, or null when unknown, excluded or discarded. */
    private Entry candidate(String name) {
      if (excluded.contains(name) || discarded.containsKey(name)) {
        return null;
      }
      return currentCandidate(name);
    }

    private String conflictWithSelection(Entry entry) throws DebianResolutionException {
      for (Relation negative : parse(entry).negative()) {
        for (Entry hit : solutionsFor(negative, false)) {
          if (hit != entry && selected.get(hit.name()) == hit) {
            return "conflicts with selected " + hit.pkg().label() + " (" + negative + ")";
          }
        }
      }
      for (Entry other : selected.values()) {
        for (Relation negative : parse(other).negative()) {
          if (other != entry && solutionsFor(negative, false).contains(entry)) {
            return "selected " + other.pkg().label() + " conflicts with it (" + negative + ")";
          }
        }
      }
      return null;
    }

    private Failure noSolution(RelationGroup group) {
      Relation first = group.alternatives().get(0);
      String prefix = group.alternatives().size() > 1 ? "no alternative can be installed; " : "";
      Entry known = currentCandidate(first.name());
      if (known != null && discarded.containsKey(known.name())) {
        return discarded.get(known.name()).prefixed(group.toString());
      }
      String reason;
      if (known != null && !first.acceptsVersion(known.pkg().version())) {
        reason = "no version satisfies " + first + " (candidate: " + known.pkg().version() + " from "
            + known.repository().repositoryName() + ")";
      } else if (known != null && first.archQualifier().isPresent()) {
        reason = "no package satisfies the architecture qualifier of " + first
            + (first.archQualifier().get().equals("any") ? " (" + first.name() + " is not Multi-Arch: allowed)" : "");
      } else if (known == null && versionsByName.containsKey(first.name())) {
        reason = pinnedBelowZero(first.name());
      } else if (known == null && !providers(first.name()).isEmpty()) {
        reason = "no provider of " + first.name() + " satisfies " + first;
      } else if (known == null) {
        reason = "no package named " + first.name() + " in " + repositoryNames;
      } else {
        reason = "no version satisfies " + first;
      }
      return new Failure(List.of(group.toString()), prefix + reason);
    }

    /**
     * apt's mark-and-sweep after marking (DoAutomaticRemove with MarkRequired): a newly selected package that the
     * requested, Essential or Important ones no longer reach through Pre-Depends, Depends, Recommends or Suggests
     * (e.g. left behind by a discarded alternative) is not installed after all.
     */
    private void sweepUnreachable(List<Entry> tops) throws DebianResolutionException {
      Set<String> reached = new HashSet<>();
      java.util.ArrayDeque<Entry> pending = new java.util.ArrayDeque<>(tops);
      for (Entry e : selected.values()) {
        if (essentialNames.contains(e.name()) || importantNames.contains(e.name())) {
          pending.add(e);
        }
      }
      while (!pending.isEmpty()) {
        Entry e = pending.pop();
        if (!reached.add(e.name())) {
          continue;
        }
        for (Relation relation : parse(e).keepAlive()) {
          for (Entry target : solutionsFor(relation, false)) {
            if (selected.get(target.name()) == target && !reached.contains(target.name())) {
              pending.push(target);
            }
          }
        }
      }
      selected.keySet().retainAll(reached);
    }

    /** Every selected package's Pre-Depends and Depends must be met, except those dropped by exclusion. */
    private void checkClosed() throws DebianResolutionException {
      for (Entry e : selected.values()) {
        for (RelationGroup group : parse(e).critical()) {
          if (!satisfiedBySelection(group) && !installed.satisfies(group) && excludedSolutions(group).isEmpty()) {
            throw new DebianResolutionException(Kind.UNSATISFIABLE, "internal error: selected " + e.pkg().label()
                + " has unmet dependency " + group);
          }
        }
      }
    }

    /**
     * Nothing selected may replace an installed package (a newer version was needed) or conflict with one either way:
     * removing or upgrading what the base has is not supported.
     */
    private void checkInstalled() throws DebianResolutionException {
      for (Entry e : selected.values()) {
        InstalledDebianPackage same = installed.byName(e.name());
        if (same != null && installed.compatible(same, e.pkg().architecture())) {
          throw new DebianResolutionException(Kind.UNSATISFIABLE, "cannot install " + e.pkg().label() + ": the base has "
              + same.label() + " installed and upgrading base packages is not supported; use a newer base");
        }
        for (Relation negative : parse(e).negative()) {
          InstalledDebianPackage hit = installed.matching(negative, e.name());
          if (hit != null) {
            throw new DebianResolutionException(Kind.UNSATISFIABLE, "cannot install " + e.pkg().label() + ": it conflicts"
                + " with " + hit.label() + " installed in the base (" + negative + "); removing base packages is not supported");
          }
        }
        for (InstalledDebianPackage have : installed.all()) {
          for (Relation negative : installed.negative(have)) {
            if (!have.name().equals(e.name()) && !solutionsFor(negative, false).stream().filter(x -> x == e).toList().isEmpty()) {
              throw new DebianResolutionException(Kind.UNSATISFIABLE, "cannot install " + e.pkg().label() + ": "
                  + have.label() + " installed in the base conflicts with it (" + negative + "); removing base packages is not supported");
            }
          }
        }
      }
    }

    /** Each dependency of a selected package left unsatisfied because an excluded package would satisfy it. */
    private List<String> droppedDependencies() throws DebianResolutionException {
      Set<String> dropped = new TreeSet<>();
      for (Entry e : selected.values()) {
        for (RelationGroup group : parse(e).critical()) {
          if (!satisfiedBySelection(group) && !installed.satisfies(group) && satisfiedByExcluded(group)) {
            dropped.add(e.name() + " -> " + group + " (excluded: " + String.join(", ", excludedSolutions(group))
                + ")");
          }
        }
      }
      return List.copyOf(dropped);
    }

    /** Per excluded name, the selected packages whose dependency on it was dropped (none once something else satisfies it). */
    private List<DebianResolution.Exclusion> exclusions() throws DebianResolutionException {
      Map<String, Set<String>> neededBy = new TreeMap<>();
      Map<String, Set<String>> dependencies = new TreeMap<>();
      for (Entry e : selected.values()) {
        for (RelationGroup group : parse(e).critical()) {
          if (!satisfiedBySelection(group) && !installed.satisfies(group)) {
            for (String name : excludedSolutions(group)) {
              neededBy.computeIfAbsent(name, k -> new TreeSet<>()).add(e.name());
              dependencies.computeIfAbsent(name, k -> new TreeSet<>()).add(e.name() + " -> " + group);
            }
          }
        }
      }
      List<DebianResolution.Exclusion> exclusions = new ArrayList<>();
      neededBy.forEach((name, by) -> exclusions.add(new DebianResolution.Exclusion(name, List.copyOf(by),
          List.copyOf(dependencies.get(name)))));
      return exclusions;
    }

    private ResolvedDebianPackage toResolved(Entry e) throws DebianResolutionException {
      DebianPackage p = e.pkg();
      List<Relation> replaces;
      try {
        replaces = DependencyParser.parseFlat(p.relations().replaces());
      } catch (IllegalArgumentException ex) {
        throw new DebianResolutionException(Kind.MALFORMED_RELATION,
            "malformed Replaces of " + p.label() + ": " + ex.getMessage());
      }
      return new ResolvedDebianPackage(p.name(), p.version(), p.architecture(), e.repository().repositoryName(),
          p.filename(), p.size(), p.sha256(), replaces, p.essential(), p.multiArch(), p.source());
    }
  }

  /** A base's installed packages, as apt's cache sees them: by name, with their Provides. */
  private final class Installed {
    private final Map<String, InstalledDebianPackage> byName = new HashMap<>();
    private final Map<String, List<Map.Entry<InstalledDebianPackage, Relation>>> provided = new HashMap<>();
    private final Map<InstalledDebianPackage, List<Relation>> negatives = new IdentityHashMap<>();
    private final List<InstalledDebianPackage> all;

    Installed(List<InstalledDebianPackage> packages) throws DebianResolutionException {
      this.all = List.copyOf(packages);
      for (InstalledDebianPackage p : packages) {
        if (!compatible(p, architecture)) {
          continue;
        }
        byName.putIfAbsent(p.name(), p);
        try {
          for (Relation provide : DependencyParser.parseFlat(p.provides())) {
            if (provide.operator().isEmpty() || provide.operator().get() == Relation.Operator.EQUAL) {
              provided.computeIfAbsent(provide.name(), k -> new ArrayList<>()).add(Map.entry(p, provide));
            }
          }
          List<Relation> negative = new ArrayList<>(DependencyParser.parseFlat(p.conflicts()));
          negative.addAll(DependencyParser.parseFlat(p.breaks()));
          negatives.put(p, List.copyOf(negative));
        } catch (IllegalArgumentException e) {
          throw new DebianResolutionException(Kind.MALFORMED_RELATION, "malformed relation of installed " + p.label()
              + ": " + e.getMessage());
        }
      }
    }

    /**
     * This architecture's packages, {@code all} ones and Multi-Arch: foreign ones of any architecture count (as in apt; a
     * foreign-architecture package that is not Multi-Arch: foreign never does).
     */
    boolean compatible(InstalledDebianPackage p, String arch) {
      return p.architecture().equals(arch) || p.architecture().equals("all")
          || p.multiArch() == DebianPackage.MultiArch.FOREIGN;
    }

    InstalledDebianPackage byName(String name) {
      return byName.get(name);
    }

    List<InstalledDebianPackage> all() {
      return all.stream().filter(p -> negatives.containsKey(p)).toList();
    }

    List<Relation> negative(InstalledDebianPackage p) {
      return negatives.getOrDefault(p, List.of());
    }

    boolean satisfies(RelationGroup group) {
      if (byName.isEmpty()) {
        return false;
      }
      for (Relation relation : group.alternatives()) {
        if (matching(relation, null) != null) {
          return true;
        }
      }
      return false;
    }

    /** An installed package (other than {@code except}) that satisfies {@code relation}, or null. */
    InstalledDebianPackage matching(Relation relation, String except) {
      String qualifier = relation.archQualifier().orElse("");
      boolean anyArch = qualifier.equals("any");
      if (!qualifier.isEmpty() && !anyArch && !qualifier.equals("native") && !qualifier.equals(architecture)) {
        return null;
      }
      InstalledDebianPackage real = byName.get(relation.name());
      if (real != null && !real.name().equals(except) && relation.acceptsVersion(real.version())
          && (!anyArch || real.multiArch() == DebianPackage.MultiArch.ALLOWED)) {
        return real;
      }
      for (Map.Entry<InstalledDebianPackage, Relation> provide : provided.getOrDefault(relation.name(), List.of())) {
        InstalledDebianPackage p = provide.getKey();
        if (p.name().equals(except) || (anyArch && p.multiArch() != DebianPackage.MultiArch.ALLOWED)) {
          continue;
        }
        if (providesSatisfy(provide.getValue(), relation)) {
          return p;
        }
      }
      return null;
    }
  }

  private static boolean providesSatisfy(Relation provide, Relation wanted) {
    if (!wanted.isVersioned()) {
      return true;
    }
    return provide.isVersioned() && wanted.acceptsVersion(provide.version().get());
  }


  /** Up to three known names (real or virtual) within a small edit distance, as {@code "; did you mean: ..."}. */
  private String suggestions(String name) {
    int limit = name.length() <= 4 ? 1 : name.length() <= 8 ? 2 : 3;
    record Scored(String name, int distance) {
    }
    List<Scored> near = new ArrayList<>();
    Set<String> all = new HashSet<>(versionsByName.keySet());
    all.addAll(providersByName.keySet());
    for (String known : all) {
      if (Math.abs(known.length() - name.length()) > limit) {
        continue;
      }
      int d = EditDistance.within(name, known, limit);
      if (d <= limit) {
        near.add(new Scored(known, d));
      }
    }
    near.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
    if (near.isEmpty()) {
      return "; no similar package names";
    }
    return "; did you mean: " + near.stream().limit(3).map(Scored::name).collect(Collectors.joining(", ")) + "?";
  }

  @Override
  public String toString() {
    return "DebianResolver[" + architecture + ", " + versionsByName.size() + " names]";
  }
}
