package dev.sealbuild.prep.alpine;

import dev.sealbuild.prep.alpine.ApkSolverModel.Dep;
import dev.sealbuild.prep.alpine.ApkSolverModel.Name;
import dev.sealbuild.prep.alpine.ApkSolverModel.Pkg;
import dev.sealbuild.prep.alpine.ApkSolverModel.Provider;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;

/**
 * A port of apk-tools' {@code src/solver.c} ("up- and down-propagating, forwarding checking, deductive
 * dependency solver"), with apk's repository pinning (tags) and no solver flags (what {@code apk add} without
 * {@code -u}/{@code -l} does). The
 * structure and the order of every step follow apk, because the order decides which of several valid
 * answers is picked. Two rules follow apk 2.14 rather than older releases: unversioned provides are
 * auto-selected only with a provider priority or when their package is required, and discovering a name
 * also discovers the install_if packages of its providers' own names. Where apk iterates a hash table
 * (reverse dependencies) this port uses name creation order. The order names are taken in was adjusted to what the
 * real apk 2.14.4 does (a name the world asks for, then names only an install_if brings, then the rest), measured
 * rather than ported: an install_if package then wins a name a dependency asks for, as in apk. Ahead of that order
 * comes the newer 2.14 release's rule that purely virtual names are taken last (see compareNameDequeue).
 */
final class ApkSolver {
  /** One change: install ({@code from} null), keep or replace, or removal ({@code to} null). */
  record Change(Pkg from, Pkg to) {
  }

  /** Why the solution is broken, for the error message. */
  sealed interface Problem {
    record Unfulfilled(Pkg requirer, Dep dep) implements Problem {
    }

    record SameName(Name name, Pkg first, Pkg second) implements Problem {
    }

    record Broken(Pkg pkg) implements Problem {
    }

    record NoProvider(Name name) implements Problem {
    }

    /** A package selected although only a tagged repository has it and nothing allows that tag. */
    record TagNotAllowed(Pkg pkg) implements Problem {
    }
  }

  record Result(List<Change> changes, List<Problem> problems, Map<Pkg, Pkg> requiredBy) {
  }

  private final ApkSolverModel model;
  private final Deque<Name> dirty = new ArrayDeque<>();
  private final LinkedList<Name> unresolved = new LinkedList<>();
  private final List<Problem> problems = new ArrayList<>();
  private int errors;
  /** apk's {@code pinning_inherit}: the tag bit of the world entry being applied, 0 otherwise. */
  private int pinningInherit;
  /** apk's {@code default_repos}: the repositories of the default (untagged) tag. */
  private final int defaultRepos;

  private ApkSolver(ApkSolverModel model) {
    this.model = model;
    this.defaultRepos = model.pinningMaskRepos(1);
  }

  /** Solves for {@code world} (already bound to names) and generates the change set. */
  static Result solve(ApkSolverModel model, List<Dep> world) {
    ApkSolver solver = new ApkSolver(model);
    List<Dep> sorted = new ArrayList<>(world);
    sorted.sort(Comparator.comparing(d -> d.name().name));
    solver.run(sorted);
    ApkChangeset changeset = ApkChangeset.generate(model, sorted);
    List<Problem> problems = new ArrayList<>(solver.problems);
    problems.addAll(changeset.problems());
    boolean failed = solver.errors > 0 || changeset.errors() > 0;
    return new Result(changeset.changes(), failed ? List.copyOf(problems) : List.of(), changeset.requiredBy());
  }

  private void run(List<Dep> world) {
    for (Dep d : world) {
      discoverName(d.name());
      d.name().inWorld |= !d.conflict();
    }
    for (Dep d : world) {
      pinningInherit = 1 << model.tagIndex(d.spec().tag());
      applyConstraint(null, d);
    }
    pinningInherit = 0;
    while (true) {
      while (!dirty.isEmpty()) {
        Name name = dirty.pollFirst();
        name.inDirty = false;
        reconsiderName(name);
      }
      Name next = null;
      for (Name candidate : unresolved) {
        if (candidate.reverseDepsDone && candidate.requirers > 0 && candidate.hasAutoSelectable
            && !candidate.hasOptions) {
          next = candidate;
          break;
        }
        if (next == null || compareNameDequeue(candidate, next) < 0) {
          next = candidate;
        }
      }
      if (next == null) {
        break;
      }
      selectPackage(next);
    }
  }

  private void markError(Pkg pkg) {
    if (pkg != null && !pkg.error) {
      pkg.error = true;
      errors++;
    }
  }

  private void queueDirty(Name name) {
    if (name.inDirty || name.locked || (name.requirers == 0 && !name.reevaluateIif)) {
      return;
    }
    name.inDirty = true;
    dirty.addLast(name);
  }

  private void queueUnresolved(Name name) {
    if (name.locked) {
      return;
    }
    boolean want = name.requirers > 0 || name.hasIif;
    if (want && !name.inUnresolved) {
      name.inUnresolved = true;
      unresolved.addFirst(name);
    } else if (!want && name.inUnresolved) {
      name.inUnresolved = false;
      unresolved.remove(name);
    }
  }

  private void reevaluateReverseDeps(Name name) {
    for (Name name0 : name.rdepends) {
      if (!name0.seen) {
        continue;
      }
      name0.reevaluateDeps = true;
      queueDirty(name0);
    }
  }

  private void reevaluateReverseInstallIf(Name name) {
    for (Name name0 : name.rinstallIf) {
      if (!name0.seen || name0.noIif) {
        continue;
      }
      name0.reevaluateIif = true;
      queueDirty(name0);
    }
  }

  private void disqualifyPackage(Pkg pkg) {
    pkg.selectable = false;
    reevaluateReverseDeps(pkg.name);
    for (Dep p : pkg.provides) {
      reevaluateReverseDeps(p.name());
    }
    reevaluateReverseInstallIf(pkg.name);
  }

  private boolean dependencySatisfiable(Dep dep) {
    Name name = dep.name();
    if (name.locked) {
      return dep.isProvidedBy(name.chosen);
    }
    if (name.requirers == 0 && dep.isProvidedBy(Provider.NONE)) {
      return true;
    }
    for (Provider p : name.providers) {
      if (p.pkg().selectable && dep.isProvidedBy(p)) {
        return true;
      }
    }
    return false;
  }

  private void discoverName(Name name) {
    if (name.seen) {
      return;
    }
    name.seen = true;
    name.noIif = true;
    for (Provider p : name.providers) {
      Pkg pkg = p.pkg();
      if (!pkg.seen) {
        pkg.seen = true;
        pkg.selectable = pkg.inRepository || pkg.installed;
        pkg.iifFailed = pkg.installIf.isEmpty();
        pkg.pinningAllowed = 1;
        pkg.pinningPreferred = 1;
        pkg.tagPreferred = pkg.data.installedSize() == 0 || (model.pkgRepos(pkg) & defaultRepos) != 0;
        pkg.tagOk = pkg.tagPreferred || pkg.installed;
        for (Dep dep : pkg.depends) {
          discoverName(dep.name());
          pkg.maxDepChain = Math.max(pkg.maxDepChain, dep.name().maxDepChain + 1);
        }
      }
      name.noIif &= pkg.iifFailed;
      name.maxDepChain = Math.max(name.maxDepChain, pkg.maxDepChain);
    }
    for (Name name0 : name.rinstallIf) {
      discoverName(name0);
    }
    // A package reached through one of its provides (e.g. so:libfoo) can still trigger install_if
    // packages that name the package itself (apk 2.14 discovers those too).
    for (Provider p : name.providers) {
      for (Name name0 : p.pkg().name.rinstallIf) {
        discoverName(name0);
      }
    }
  }

  private void nameRequirersChanged(Name name) {
    queueUnresolved(name);
    reevaluateReverseInstallIf(name);
    queueDirty(name);
  }

  /** apk's {@code inherit_pinning_and_flags} (no solver flags): what tags {@code pkg} may and should come from. */
  private void inheritPinning(Pkg pkg, Pkg parent) {
    int repos = model.pkgRepos(pkg);
    if (parent != null) {
      pkg.pinningAllowed |= parent.pinningAllowed;
    } else {
      pkg.pinningAllowed |= pinningInherit;
      pkg.pinningPreferred = pinningInherit;
      pkg.tagPreferred = (repos & model.pinningMaskRepos(pkg.pinningPreferred)) != 0;
    }
    pkg.tagOk |= (repos & model.pinningMaskRepos(pkg.pinningAllowed)) != 0;
  }

  private void applyConstraint(Pkg requirer, Dep dep) {
    Name name = dep.name();
    if (!dep.conflict()) {
      name.requirers++;
      if (name.requirers == 1) {
        nameRequirersChanged(name);
      }
    }
    for (Provider p0 : name.providers) {
      Pkg pkg0 = p0.pkg();
      boolean provided = dep.isProvidedBy(p0);
      if (!provided) {
        pkg0.conflicts++;
      }
      if (pkg0.selectable && pkg0.conflicts > 0) {
        disqualifyPackage(pkg0);
      }
      if (provided) {
        inheritPinning(pkg0, requirer);
      }
    }
  }

  private void excludeNonProviders(Name name, Name mustProvide, boolean skipVirtuals) {
    if (name == mustProvide) {
      return;
    }
    providers:
    for (Provider p : name.providers) {
      if (p.pkg().name == mustProvide || !p.pkg().selectable || (skipVirtuals && p.version() == null)) {
        continue;
      }
      for (Dep d : p.pkg().provides) {
        if (d.name() == mustProvide || (skipVirtuals && d.spec().version() == null)) {
          continue providers;
        }
      }
      disqualifyPackage(p.pkg());
    }
  }

  private static boolean mergeDepends(Name name, int numOptions) {
    if (name.mergeDepends != numOptions) {
      return false;
    }
    name.mergeDepends = numOptions + 1;
    return true;
  }

  private static boolean mergeDependsComplete(Name name, int numOptions) {
    boolean complete = name.mergeDepends == numOptions;
    name.mergeDepends = 0;
    return complete;
  }

  private static boolean mergeProvides(Name name, int numOptions) {
    if (name.mergeProvides != numOptions) {
      return false;
    }
    name.mergeProvides = numOptions + 1;
    return true;
  }

  private static boolean mergeProvidesComplete(Name name, int numOptions) {
    boolean complete = name.mergeProvides == numOptions;
    name.mergeProvides = 0;
    return complete;
  }

  private void reconsiderName(Name name) {
    boolean reevaluateDeps = name.reevaluateDeps;
    boolean reevaluateIif = name.reevaluateIif;
    name.reevaluateDeps = false;
    name.reevaluateIif = false;
    Pkg firstCandidate = null;
    int numOptions = 0;
    int numTagNotOk = 0;
    boolean hasIif = false;
    boolean noIif = true;
    name.hasAutoSelectable = false;

    for (Provider p : name.providers) {
      Pkg pkg = p.pkg();
      pkg.dependenciesMerged = false;
      if (reevaluateDeps) {
        if (!pkg.selectable) {
          continue;
        }
        for (Dep dep : pkg.depends) {
          if (!dependencySatisfiable(dep)) {
            disqualifyPackage(pkg);
            break;
          }
        }
      }
      if (!pkg.selectable) {
        continue;
      }
      if (reevaluateIif && !pkg.iifTriggered && !pkg.iifFailed) {
        pkg.iifTriggered = true;
        pkg.iifFailed = false;
        for (Dep dep : pkg.installIf) {
          if (!dep.name().locked) {
            pkg.iifTriggered = false;
            pkg.iifFailed = false;
            break;
          }
          if (!dep.isProvidedBy(dep.name().chosen)) {
            pkg.iifTriggered = false;
            pkg.iifFailed = true;
            break;
          }
        }
      }
      if (reevaluateIif && pkg.iifTriggered) {
        for (Dep dep : pkg.installIf) {
          inheritPinning(pkg, dep.name().chosen.pkg());
        }
      }
      hasIif |= pkg.iifTriggered;
      noIif &= pkg.iifFailed;
      name.hasAutoSelectable |= pkg.iifTriggered;
      if (name.requirers == 0) {
        continue;
      }
      pkg.dependenciesMerged = true;
      if (firstCandidate == null) {
        firstCandidate = pkg;
      }
      for (Dep dep : pkg.depends) {
        if (!dep.conflict()) {
          mergeDepends(dep.name(), numOptions);
        }
      }
      if (mergeProvides(pkg.name, numOptions)) {
        pkg.name.hasVirtualProvides |= p.version() == null;
      }
      for (Dep dep : pkg.provides) {
        if (mergeProvides(dep.name(), numOptions)) {
          dep.name().hasVirtualProvides |= dep.spec().version() == null;
        }
      }
      numTagNotOk += pkg.tagOk ? 0 : 1;
      numOptions++;
      name.hasAutoSelectable |= autoSelectable(p);
    }
    name.hasOptions = numOptions > 1 || numTagNotOk > 0;
    name.hasIif = hasIif;
    name.noIif = noIif;
    queueUnresolved(name);

    if (firstCandidate != null) {
      Pkg pkg = firstCandidate;
      for (Provider p : name.providers) {
        p.pkg().dependenciesUsed = p.pkg().dependenciesMerged;
      }
      if (numOptions == 1) {
        for (Dep dep : pkg.depends) {
          if (mergeDependsComplete(dep.name(), numOptions)) {
            applyConstraint(pkg, dep);
          }
        }
      } else {
        for (Dep dep : pkg.depends) {
          Name name0 = dep.name();
          if (mergeDependsComplete(name0, numOptions) && name0.requirers == 0) {
            name0.requirers++;
            nameRequirersChanged(name0);
            for (Provider p : name0.providers) {
              inheritPinning(p.pkg(), pkg);
            }
          }
        }
      }
      if (mergeProvidesComplete(pkg.name, numOptions)) {
        excludeNonProviders(pkg.name, name, pkg.name.hasVirtualProvides);
      }
      for (Dep dep : pkg.provides) {
        if (mergeProvidesComplete(dep.name(), numOptions)) {
          excludeNonProviders(dep.name(), name, dep.name().hasVirtualProvides);
        }
      }
      pkg.name.hasVirtualProvides = false;
      for (Dep dep : pkg.provides) {
        dep.name().hasVirtualProvides = false;
      }
    }

    name.reverseDepsDone = true;
    for (Name name0 : name.rdepends) {
      if (name0.seen && !name0.locked) {
        name.reverseDepsDone = false;
        break;
      }
    }
  }

  /** apk's {@code compare_providers} with no solver flags and every package in the default repository. */
  private static int compareProviders(Provider a, Provider b) {
    Pkg pkgA = a.pkg();
    Pkg pkgB = b.pkg();
    if (pkgA == null || pkgB == null) {
      return (pkgA != null ? 1 : 0) - (pkgB != null ? 1 : 0);
    }
    int r = Boolean.compare(pkgA.selectable, pkgB.selectable);
    if (r != 0) {
      return r;
    }
    r = Boolean.compare(pkgA.dependenciesUsed, pkgB.dependenciesUsed);
    if (r != 0) {
      return r;
    }
    r = pkgB.conflicts - pkgA.conflicts;
    if (r != 0) {
      return r;
    }
    r = Boolean.compare(pkgA.tagOk, pkgB.tagOk);
    if (r != 0) {
      return r;
    }
    r = Boolean.compare(pkgA.tagPreferred, pkgB.tagPreferred);
    if (r != 0) {
      return r;
    }
    r = Boolean.compare(pkgA.installed, pkgB.installed);
    if (r != 0) {
      return r;
    }
    r = compareVersions(a.version(), b.version());
    if (r != 0) {
      return r;
    }
    if (pkgA.name == pkgB.name) {
      r = compareVersions(pkgA.version(), pkgB.version());
      if (r != 0) {
        return r;
      }
    }
    r = Boolean.compare(pkgA.installed, pkgB.installed);
    if (r != 0) {
      return r;
    }
    r = Integer.compare(pkgA.data.providerPriority(), pkgB.data.providerPriority());
    if (r != 0) {
      return r;
    }
    r = Boolean.compare(pkgA.selectable, pkgB.selectable);
    if (r != 0) {
      return r;
    }
    return Integer.compare(ffs(pkgB.repos()), ffs(pkgA.repos()));
  }

  /** apk_version_compare_blob where a missing version compares as "all of less, equal, greater". */
  private static int compareVersions(String a, String b) {
    if (a == null || b == null) {
      return 0;
    }
    return ApkVersion.compare(a, b);
  }

  private static int ffs(int bits) {
    return bits == 0 ? 0 : Integer.numberOfTrailingZeros(bits) + 1;
  }

  private void assignName(Name name, Provider p) {
    if (name.locked) {
      if (p.version() == null && name.chosen.version() == null) {
        return;
      }
      problems.add(new Problem.SameName(name, name.chosen.pkg(), p.pkg()));
      markError(p.pkg());
      markError(name.chosen.pkg());
      return;
    }
    name.locked = true;
    name.chosen = p;
    if (name.inUnresolved) {
      name.inUnresolved = false;
      unresolved.remove(name);
    }
    if (name.inDirty) {
      name.inDirty = false;
      dirty.remove(name);
    }
    for (Provider p0 : name.providers) {
      if (p0.pkg() == p.pkg() || (p.version() == null && p0.version() == null)) {
        continue;
      }
      disqualifyPackage(p0.pkg());
    }
    reevaluateReverseDeps(name);
    reevaluateReverseInstallIf(name);
  }

  private void selectPackage(Name name) {
    Provider chosen = Provider.NONE;
    if (name.requirers > 0 || name.hasIif) {
      for (Provider p : name.providers) {
        if (name.requirers == 0 && (!p.pkg().iifTriggered || !p.pkg().tagOk)) {
          continue;
        }
        if (!autoSelectable(p)) {
          continue;
        }
        if (compareProviders(p, chosen) > 0) {
          chosen = p;
        }
      }
    }
    Pkg pkg = chosen.pkg();
    if (pkg != null) {
      if (!pkg.selectable) {
        problems.add(new Problem.Broken(pkg));
        markError(pkg);
      } else if (!pkg.tagOk) {
        problems.add(new Problem.TagNotAllowed(pkg));
        markError(pkg);
      }
      assignName(pkg.name, new Provider(pkg, pkg.version()));
      for (Dep d : pkg.provides) {
        assignName(d.name(), new Provider(pkg, d.spec().version()));
      }
      for (Dep d : pkg.depends) {
        applyConstraint(pkg, d);
      }
    } else {
      assignName(name, Provider.NONE);
      if (name.requirers > 0) {
        problems.add(new Problem.NoProvider(name));
        errors++;
      }
    }
  }

  /**
   * apk 2.14's {@code is_provider_auto_selectable}: an unversioned ("virtual") provide is only picked by itself with a
   * provider priority or when its package is itself required, even if it is the only provider (apk 2.12 made an
   * exception for a single provider; 2.14 asks the user to pick, e.g. busybox for /bin/sh).
   */
  private static boolean autoSelectable(Provider p) {
    return p.version() != null || p.pkg().data.providerPriority() != 0 || p.pkg().name.requirers > 0;
  }

  private static int rank(Name name) {
    if (name.requirers > 0 && name.inWorld) {
      return 0;
    }
    return name.requirers == 0 && name.hasIif ? 1 : 2;
  }

  private static int compareNameDequeue(Name a, Name b) {
    // apk-tools 2.14-stable dc2f49cde1 ("solver: fix name resolving order of pure virtual names", in v2.14.9, not in
    // the 2.14.4 the tests run): a name no candidate can be picked for by itself comes last, so that picking other
    // names can bring one of its providers in first. Taken earlier, such a name would get no provider and fail.
    int auto = Boolean.compare(b.hasAutoSelectable, a.hasAutoSelectable);
    if (auto != 0) {
      return auto;
    }
    // Measured against apk 2.14.4 (ApkInstallIfRealApkTest): a name the world asks for is chosen first, then a name
    // only an install_if brings, then other required names, so the install_if package's provides win a name that a
    // dependency asks for.
    int r0 = rank(a) - rank(b);
    if (r0 != 0) {
      return r0;
    }
    int r = (a.requirers > 0 ? 1 : 0) - (b.requirers > 0 ? 1 : 0);
    if (r != 0) {
      return -r;
    }
    r = a.priority - b.priority;
    if (r != 0) {
      return r;
    }
    return -(a.maxDepChain - b.maxDepChain);
  }
}
