package dev.sealbuild.prep.alpine;

import dev.sealbuild.formats.text.EditDistance;
import dev.sealbuild.prep.alpine.ApkSolver.Problem;
import dev.sealbuild.prep.alpine.ApkSolverModel.Dep;
import dev.sealbuild.prep.alpine.ApkSolverModel.Name;
import dev.sealbuild.prep.alpine.ApkSolverModel.Pkg;
import dev.sealbuild.prep.alpine.ApkSolverModel.Provider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Resolves requested packages to the exact set apk would install, like {@code apk add --simulate}.
 *
 * <p>The solver is a port of apk-tools' {@code solver.c} and behaves like apk-tools 2.14 (the apk of
 * Alpine 3.18 to 3.20). Tests compare it with the real {@code apk add --simulate} on the real v3.16 index,
 * on an empty root and on top of a real installed database; a sweep over every package of that index
 * (alone and with busybox, about 9,800 requests) found no difference. Matched:
 * <ul>
 *   <li>dependencies with version constraints ({@code < <= = >= > ~ <~ >~}, and {@code ><} checksum pins),
 *       the highest satisfying version winning, then the highest provider priority ({@code k:});
 *   <li>{@code so:}, {@code cmd:}, {@code pc:} and any other names satisfied through {@code p:}
 *       provides, versioned or not; an unversioned ("virtual") provide never satisfies a versioned
 *       dependency, and is only chosen automatically when it has a provider priority or its package is
 *       itself requested: apk 2.14 refuses to pick busybox for {@code /bin/sh} by itself even when it is
 *       the only provider (apk 2.12 did), and so does this class;
 *   <li>conflicts {@code !name}; two packages providing the same versioned name conflict;
 *   <li>{@code i:} install_if packages, added once all their conditions are installed;
 *   <li>installed packages (an {@link ApkInstalledDb}) are preferred, satisfy dependencies and are not
 *       installed again; requests are merged into the base world the way {@code apk add} does (a request
 *       replaces a world entry of the same name), and installed packages nobody wants any more are
 *       reported in {@link ApkResolution#toRemove()}.
 * </ul>
 * Repository pinning as apk's: a {@link Repository} with a tag serves only world entries {@code name@tag} and what
 * they pull in, untagged ones serve everyone, and a tagged request prefers its tag's packages. Not matched:
 * {@code apk add -u}/{@code --latest}/{@code --available} solver flags; {@code r:} replaces (reported
 * only: it decides file ownership at install time, not resolution); architecture filtering (give indexes
 * of the right architecture); apk's hash-table iteration order, replaced by name creation order, which
 * can only matter when two answers are otherwise exactly as good. Errors are one line: an unknown name
 * with a near-name suggestion, a dependency nobody provides with the chain that needs it, or the
 * conflicting packages.
 */
public final class ApkResolver {
  /**
   * One repository's index, in the order apk reads them (a lower one wins a tie). {@code tag} null: untagged, as a plain
   * line of {@code /etc/apk/repositories}; otherwise {@code @tag URL}: only world entries {@code name@tag}, and what
   * they pull in, may take packages only it has.
   */
  public record Repository(String tag, List<ApkPackage> packages) {
    public Repository {
      packages = List.copyOf(packages);
    }
  }

  private final List<Repository> repositories;
  private final List<ApkPackage> available;
  private final ApkInstalledDb installed;

  /** One untagged repository holding {@code available}. */
  public ApkResolver(List<ApkPackage> available, ApkInstalledDb installed) {
    this(List.of(new Repository(null, available)), installed, true);
  }

  public static ApkResolver of(List<Repository> repositories, ApkInstalledDb installed) {
    return new ApkResolver(repositories, installed, true);
  }

  private ApkResolver(List<Repository> repositories, ApkInstalledDb installed, boolean byRepository) {
    this.repositories = List.copyOf(repositories);
    List<ApkPackage> all = new ArrayList<>();
    this.repositories.forEach(r -> all.addAll(r.packages()));
    this.available = List.copyOf(all);
    this.installed = Objects.requireNonNull(installed, "installed");
  }

  /**
   * Resolves as {@link #resolve(List)}, never installing a package named in {@code exclude}: apk has no such option,
   * so excluded packages are taken out of the indexes and a dependency only they could satisfy is dropped (as the
   * Debian resolver does); {@link ApkResolution#excluded()} says which packages lost such a dependency.
   */
  public ApkResolution resolve(List<String> requests, Collection<String> exclude) {
    if (exclude.isEmpty()) {
      return resolve(requests);
    }
    Set<String> excluded = Set.copyOf(exclude);
    for (String request : requests) {
      String name = request.strip();
      try {
        ApkDependency d = ApkDependency.parse(name);
        name = d.conflict() ? null : d.name();
      } catch (ApkException e) {
        // reported by resolve(requests)
      }
      if (excluded.contains(name)) {
        throw new ApkException("package " + name + " is both requested and excluded; remove it from one of the lists");
      }
    }
    Set<String> keptNames = new HashSet<>();
    Map<String, Set<String>> excludedProviders = new HashMap<>();
    for (ApkPackage p : concat(available, installed.packages())) {
      boolean isExcluded = excluded.contains(p.name()) && !installed.packages().contains(p);
      for (String name : providedNames(p)) {
        if (isExcluded) {
          excludedProviders.computeIfAbsent(name, k -> new TreeSet<>()).add(p.name());
        } else {
          keptNames.add(name);
        }
      }
    }
    Map<String, Set<String>> neededBy = new TreeMap<>();
    Map<ApkPackage, ApkPackage> trimmed = new IdentityHashMap<>();
    Map<ApkPackage, ApkPackage> copies = new IdentityHashMap<>();
    List<Repository> kept = new ArrayList<>();
    for (Repository repository : repositories) {
      List<ApkPackage> keptHere = new ArrayList<>();
      for (ApkPackage p : repository.packages()) {
        if (excluded.contains(p.name())) {
          continue;
        }
        ApkPackage copy = copies.get(p);
        if (copy == null) {
          List<ApkDependency> depends = new ArrayList<>();
          for (ApkDependency d : p.depends()) {
            if (!d.conflict() && !keptNames.contains(d.name()) && excludedProviders.containsKey(d.name())) {
              excludedProviders.get(d.name()).forEach(x -> neededBy.computeIfAbsent(x, k -> new TreeSet<>()).add(p.name()));
            } else {
              depends.add(d);
            }
          }
          copy = depends.size() == p.depends().size() ? p : withDepends(p, depends);
          copies.put(p, copy);
          trimmed.put(copy, p);
        }
        keptHere.add(copy);
      }
      kept.add(new Repository(repository.tag(), keptHere));
    }
    ApkResolution resolution = ApkResolver.of(kept, installed).resolve(requests);
    Set<String> present = new HashSet<>();
    resolution.packages().forEach(p -> present.add(p.name()));
    Map<String, List<String>> dropped = new TreeMap<>();
    neededBy.forEach((name, by) -> {
      List<String> still = by.stream().filter(present::contains).toList();
      if (!still.isEmpty()) {
        dropped.put(name, still);
      }
    });
    return new ApkResolution(resolution.world(), original(resolution.packages(), trimmed), original(resolution.toInstall(), trimmed),
        resolution.toRemove(), dropped);
  }

  private static List<ApkPackage> concat(List<ApkPackage> a, List<ApkPackage> b) {
    List<ApkPackage> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static Set<String> providedNames(ApkPackage p) {
    Set<String> names = new HashSet<>();
    names.add(p.name());
    p.provides().forEach(d -> names.add(d.name()));
    return names;
  }

  /** The packages as the index lists them (with every dependency), not as trimmed for the solver. */
  private static List<ApkPackage> original(List<ApkPackage> packages, Map<ApkPackage, ApkPackage> trimmed) {
    return packages.stream().map(p -> trimmed.getOrDefault(p, p)).toList();
  }

  private static ApkPackage withDepends(ApkPackage p, List<ApkDependency> depends) {
    return new ApkPackage(p.checksum(), p.name(), p.version(), p.arch(), p.size(), p.installedSize(), p.description(), p.url(),
        p.license(), p.origin(), p.maintainer(), p.buildTime(), p.commit(), depends, p.provides(), p.installIf(),
        p.providerPriority(), p.replaces(), p.replacesPriority(), p.installable());
  }

  /** Resolves requests written as apk atoms, e.g. {@code curl}, {@code busybox>=1.35}, {@code !dropbear}. */
  public ApkResolution resolve(List<String> requests) {
    List<ApkDependency> deps = new ArrayList<>();
    for (String request : requests) {
      try {
        deps.add(ApkDependency.parse(request.strip()));
      } catch (ApkException e) {
        throw new ApkException("invalid package request '" + Texts.abbreviate(request) + "': " + e.getMessage());
      }
    }
    return resolveDependencies(deps);
  }

  public ApkResolution resolveDependencies(List<ApkDependency> requests) {
    List<ApkDependency> world = new ArrayList<>(installed.world());
    for (ApkDependency request : requests) {
      int same = indexOfName(world, request.name());
      if (same >= 0) {
        world.set(same, request);
      } else {
        world.add(request);
      }
    }
    for (ApkDependency request : requests) {
      if (request.tag() != null && repositories.stream().noneMatch(r -> request.tag().equals(r.tag()))) {
        throw new ApkException("package request '" + request + "' names tag @" + request.tag()
            + ", which no repository carries; give a repository tag: " + request.tag() + " or drop @" + request.tag());
      }
    }
    ApkSolverModel model = new ApkSolverModel(repositories, installed.packages());
    List<Dep> worldDeps = world.stream().map(d -> new Dep(model.name(d.name()), d)).toList();
    ApkSolver.Result result;
    try {
      result = ApkSolver.solve(model, worldDeps);
    } catch (StackOverflowError e) {
      throw new ApkException("dependency graph too deep to resolve " + requests);
    }
    if (!result.problems().isEmpty()) {
      throw new ApkException(new Explainer(model, result.requiredBy(), worldDeps).explain(result.problems()));
    }
    List<ApkPackage> packages = new ArrayList<>();
    List<ApkPackage> toInstall = new ArrayList<>();
    List<ApkPackage> toRemove = new ArrayList<>();
    for (ApkSolver.Change change : result.changes()) {
      if (change.to() != null) {
        packages.add(change.to().data);
        if (change.from() != change.to()) {
          toInstall.add(change.to().data);
        }
      }
      if (change.from() != null && change.from() != change.to()) {
        toRemove.add(change.from().data);
      }
    }
    return new ApkResolution(world, sorted(packages), sorted(toInstall), sorted(toRemove));
  }

  private static int indexOfName(List<ApkDependency> deps, String name) {
    for (int i = 0; i < deps.size(); i++) {
      if (deps.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static List<ApkPackage> sorted(List<ApkPackage> packages) {
    List<ApkPackage> copy = new ArrayList<>(new LinkedHashSet<>(packages));
    copy.sort(Comparator.comparing(ApkPackage::name)
        .thenComparing((a, b) -> ApkVersion.compare(a.version(), b.version())));
    return copy;
  }

  /** Turns the solver's problems into one line a user can act on. */
  private static final class Explainer {
    private final ApkSolverModel model;
    private final Map<Pkg, Pkg> requiredBy;
    private final List<Dep> world;

    Explainer(ApkSolverModel model, Map<Pkg, Pkg> requiredBy, List<Dep> world) {
      this.model = model;
      this.requiredBy = new IdentityHashMap<>(requiredBy);
      this.world = world;
    }

    String explain(List<Problem> problems) {
      // One message per unsatisfied atom or name, keeping the first (shortest-found) chain.
      Map<String, String> messages = new LinkedHashMap<>();
      problems.stream().filter(p -> p instanceof Problem.Unfulfilled u && u.requirer() == null)
          .forEach(p -> messages.putIfAbsent(key(p), describe(p)));
      problems.stream().filter(p -> p instanceof Problem.Unfulfilled u && u.requirer() != null)
          .forEach(p -> messages.putIfAbsent(key(p), describe(p)));
      problems.stream().filter(p -> p instanceof Problem.SameName).forEach(p -> messages.putIfAbsent(key(p), describe(p)));
      if (messages.isEmpty()) {
        // Only symptoms are left (a selected package that lost its dependencies, a name nobody provides).
        problems.forEach(p -> messages.putIfAbsent(key(p), describe(p)));
      }
      List<String> list = new ArrayList<>(messages.values());
      String shown = String.join("; ", list.subList(0, Math.min(3, list.size())));
      return "cannot resolve Alpine packages: " + shown
          + (list.size() > 3 ? " (and " + (list.size() - 3) + " more problems)" : "");
    }

    private static String key(Problem problem) {
      if (problem instanceof Problem.Unfulfilled u) {
        return "dep " + u.dep().spec();
      }
      if (problem instanceof Problem.SameName s) {
        return "name " + s.name();
      }
      return problem.toString();
    }

    private String describe(Problem problem) {
      if (problem instanceof Problem.Unfulfilled u) {
        return unfulfilled(u.requirer(), u.dep());
      }
      if (problem instanceof Problem.SameName s) {
        if (s.first() == null || s.second() == null) {
          Pkg pkg = s.first() == null ? s.second() : s.first();
          return "conflicting packages: " + pkg + " provides '" + s.name() + "', which must not be installed";
        }
        List<Pkg> both = new ArrayList<>(List.of(s.first(), s.second()));
        both.sort(Comparator.comparing(Pkg::toString));
        return "conflicting packages: " + both.get(0) + " (" + chain(both.get(0)) + ") and " + both.get(1) + " ("
            + chain(both.get(1)) + ") both provide '" + s.name() + "'";
      }
      if (problem instanceof Problem.TagNotAllowed t) {
        String tags = tagsOf(t.pkg());
        return t.pkg() + " is needed (" + chain(t.pkg()) + ") but only a repository tagged " + tags
            + " has it; request it as " + t.pkg().name + "@" + tags.split(", ")[0] + " (apk's pinning)";
      }
      if (problem instanceof Problem.Broken b) {
        return b.pkg() + " is needed (" + chain(b.pkg()) + ") but conflicts with other requirements";
      }
      Name name = ((Problem.NoProvider) problem).name();
      return "nothing provides '" + name + "'";
    }

    private String unfulfilled(Pkg requirer, Dep dep) {
      Name name = dep.name();
      String neededBy = requirer == null ? "requested" : "needed by " + chain(requirer);
      if (name.providers.isEmpty()) {
        if (requirer == null) {
          String suggestion = suggest(name.name);
          return "unknown package '" + name + "'"
              + (suggestion == null ? " (no index lists it)" : "; did you mean '" + suggestion + "'?");
        }
        return "nothing provides '" + dep.spec() + "' (" + neededBy + ")";
      }
      Pkg chosen = name.chosen.pkg();
      if (dep.conflict()) {
        return (chosen == null ? "'" + name + "'" : chosen + " (" + chain(chosen) + keptBy(chosen) + ")") + " conflicts with '"
            + dep.spec() + "' (" + neededBy + ")";
      }
      if (chosen != null) {
        return "'" + dep.spec() + "' (" + neededBy + ") is not satisfied by " + chosen + ", which is selected ("
            + chain(chosen) + ")";
      }
      List<String> candidates = name.providers.stream().map(Provider::pkg).map(Pkg::toString).distinct().sorted()
          .limit(5).toList();
      boolean onlyVirtual = name.providers.stream()
          .allMatch(p -> p.version() == null && p.pkg().data.providerPriority() == 0);
      if (onlyVirtual) {
        String first = name.providers.stream().map(p -> p.pkg().name.name).sorted().findFirst().orElseThrow();
        return "'" + dep.spec() + "' (" + neededBy + ") is a virtual name provided by " + String.join(", ", candidates)
            + ", none with a provider_priority, and apk does not pick one by itself; "
            + (requirer == null ? "write the provider you want instead, e.g. packages: [" + first + "]"
                : "add the provider you want to packages, e.g. " + first);
      }
      return "'" + dep.spec() + "' (" + neededBy + ") cannot be satisfied; candidates: "
          + String.join(", ", candidates);
    }

    /** For an installed package the world names: why apk cannot remove it ("; the world asks for keep=1.0-r0"). */
    private String keptBy(Pkg pkg) {
      if (!pkg.installed) {
        return "";
      }
      List<String> entries = world.stream().filter(d -> !d.conflict() && d.name() == pkg.name).map(d -> d.spec().toString())
          .toList();
      return entries.isEmpty() ? "" : "; the world asks for " + String.join(", ", entries);
    }

    /** The tags of the repositories that have {@code pkg}, as "@edge, @testing". */
    private String tagsOf(Pkg pkg) {
      List<String> tags = new ArrayList<>();
      for (int i = 1; i < model.tags.size(); i++) {
        if ((pkg.repos() & model.allowedRepos.get(i)) != 0) {
          tags.add(model.tags.get(i));
        }
      }
      return tags.isEmpty() ? "none" : String.join(", ", tags);
    }

    /** "world -> a-1 -> b-2": who pulled {@code pkg} in. */
    private String chain(Pkg pkg) {
      List<String> links = new ArrayList<>();
      Set<Pkg> visited = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Pkg p = pkg; p != null && visited.add(p) && links.size() < 12; p = requiredBy.get(p)) {
        links.add(0, p.toString());
      }
      links.add(0, pkg.installed && requiredBy.get(pkg) == null && links.size() == 1 ? "installed" : "world");
      return String.join(" -> ", links);
    }

    /** The known name closest to {@code unknown} by edit distance, if close enough to be a typo. */
    private String suggest(String unknown) {
      String best = null;
      int bestDistance = Math.max(2, unknown.length() / 3) + 1; // typo threshold, exclusive
      for (Name candidate : model.names.values()) {
        if (candidate.providers.isEmpty()) {
          continue;
        }
        if (Math.abs(unknown.length() - candidate.name.length()) > 8) {
          continue;
        }
        int distance = EditDistance.within(unknown, candidate.name, bestDistance);
        if (distance < bestDistance || (distance == bestDistance && best != null && candidate.name.compareTo(best) < 0)) {
          best = candidate.name;
          bestDistance = distance;
        }
      }
      return best;
    }
  }
}
