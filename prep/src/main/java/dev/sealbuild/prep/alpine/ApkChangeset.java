package dev.sealbuild.prep.alpine;

import dev.sealbuild.prep.alpine.ApkSolver.Change;
import dev.sealbuild.prep.alpine.ApkSolver.Problem;
import dev.sealbuild.prep.alpine.ApkSolverModel.Dep;
import dev.sealbuild.prep.alpine.ApkSolverModel.Name;
import dev.sealbuild.prep.alpine.ApkSolverModel.Pkg;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A port of apk-tools' change-set generation ({@code generate_changeset} in {@code solver.c}): walks the
 * solver's choices from the world, in apk's order, to list what gets installed, kept, replaced or removed,
 * and records each unsatisfied dependency. Also remembers which package first required each one, for
 * error messages.
 */
final class ApkChangeset {
  private final ApkSolverModel model;
  private final List<Change> changes = new ArrayList<>();
  private final List<Problem> problems = new ArrayList<>();
  private final Map<Pkg, Pkg> requiredBy = new IdentityHashMap<>();
  private int errors;

  private ApkChangeset(ApkSolverModel model) {
    this.model = model;
  }

  /** Generates the change set for a solved model; {@code world} sorted by name, as the solver had it. */
  static ApkChangeset generate(ApkSolverModel model, List<Dep> world) {
    ApkChangeset changeset = new ApkChangeset(model);
    changeset.run(world);
    return changeset;
  }

  List<Change> changes() {
    return List.copyOf(changes);
  }

  List<Problem> problems() {
    return List.copyOf(problems);
  }

  Map<Pkg, Pkg> requiredBy() {
    return requiredBy;
  }

  int errors() {
    return errors;
  }

  private void markError(Pkg pkg) {
    if (pkg != null && !pkg.error) {
      pkg.error = true;
      errors++;
    }
  }

  private void recordChange(Pkg from, Pkg to) {
    changes.add(new Change(from, to));
  }

  private void trackDepsAdded(Pkg pkg) {
    for (Dep d : pkg.depends) {
      if (d.conflict() || d.name().installedName == null) {
        continue;
      }
      d.name().installedName.requirers++;
    }
  }

  private void trackDepsRemoved(Pkg pkg) {
    for (Dep d : pkg.depends) {
      if (d.conflict() || d.name().installedName == null) {
        continue;
      }
      if (--d.name().installedName.requirers > 0) {
        continue;
      }
      Pkg pkg0 = d.name().installedPkg;
      if (pkg0 != null) {
        genNameRemove(pkg0);
      }
    }
  }

  private void checkRemovalByDeps(Pkg pkg) {
    if (pkg.name.requirers == 0 && pkg.name.chosen.pkg() == null) {
      genNameRemove(pkg);
    }
  }

  private void checkInstallByIif(Name name, Pkg trigger) {
    Pkg pkg = name.chosen.pkg();
    if (pkg == null || !name.seen || name.inChangeset) {
      return;
    }
    for (Dep dep0 : pkg.installIf) {
      Name name0 = dep0.name();
      if (!name0.inChangeset || !dep0.isProvidedBy(name0.chosen)) {
        return;
      }
    }
    genNameChange(name, trigger);
  }

  private void checkRemovalByIif(Name name) {
    Pkg pkg = name.installedPkg;
    if (pkg == null || name.inChangeset || name.chosen.pkg() != null) {
      return;
    }
    for (Dep dep0 : pkg.installIf) {
      if (dep0.name().inChangeset && dep0.name().chosen.pkg() == null) {
        checkRemovalByDeps(pkg);
        return;
      }
    }
  }

  private void genNameRemoveOrphan(Name name) {
    if (name.inChangeset) {
      return;
    }
    name.inChangeset = true;
    Pkg pkg = name.chosen.pkg();
    if ((pkg == null || pkg.name != name) && name.installedPkg != null) {
      genNameRemove(name.installedPkg);
    }
  }

  private void genNameChange(Name name, Pkg requirer) {
    if (name.inChangeset) {
      return;
    }
    genNameRemoveOrphan(name);
    Pkg pkg = name.chosen.pkg();
    if (pkg == null || pkg.inChangeset) {
      return;
    }
    pkg.inChangeset = true;
    requiredBy.putIfAbsent(pkg, requirer);
    genNameRemoveOrphan(pkg.name);
    for (Dep d : pkg.provides) {
      genNameRemoveOrphan(d.name());
    }
    Pkg old = pkg.name.installedPkg;
    if (old != null) {
      for (Name n : old.name.rinstallIf) {
        checkRemovalByIif(n);
      }
    }
    for (Dep d : pkg.depends) {
      genDep(pkg, d);
    }
    recordChange(old, pkg);
    for (Name n : pkg.name.rinstallIf) {
      checkInstallByIif(n, pkg);
    }
    trackDepsAdded(pkg);
    if (old != null) {
      trackDepsRemoved(old);
    }
  }

  private void genNameRemove(Pkg pkg) {
    Name name = pkg.name;
    if (pkg.inChangeset || (name.chosen.pkg() != null && name.chosen.pkg().name == name)) {
      return;
    }
    name.inChangeset = true;
    pkg.inChangeset = true;
    for (Pkg dependent : installedReverseDependencies(pkg)) {
      genNameRemove(dependent);
    }
    for (Name n : pkg.name.rinstallIf) {
      checkRemovalByIif(n);
    }
    recordChange(pkg, null);
    trackDepsRemoved(pkg);
  }

  /** Installed packages with a dependency that {@code pkg} satisfies (apk_pkg_foreach_reverse_dependency). */
  private List<Pkg> installedReverseDependencies(Pkg pkg) {
    List<Pkg> result = new ArrayList<>();
    for (Pkg other : model.installed) {
      for (Dep d : other.depends) {
        if (!d.conflict() && d.spec().isSatisfiedBy(pkg.data) && providesName(pkg, d.name())) {
          result.add(other);
          break;
        }
      }
    }
    return result;
  }

  private static boolean providesName(Pkg pkg, Name name) {
    if (pkg.name == name) {
      return true;
    }
    for (Dep p : pkg.provides) {
      if (p.name() == name) {
        return true;
      }
    }
    return false;
  }

  private void genDep(Pkg requirer, Dep dep) {
    Name name = dep.name();
    Pkg pkg = name.chosen.pkg();
    if (!dep.isProvidedBy(name.chosen)) {
      problems.add(new Problem.Unfulfilled(requirer, dep));
      markError(requirer);
      if (requirer == null) {
        errors++;
      }
    }
    // A conflict does not pull the conflicting package in, so it is not recorded as the reason for it.
    genNameChange(name, dep.conflict() ? null : requirer);
    if (pkg != null && pkg.error) {
      markError(requirer);
    }
  }

  private void run(List<Dep> world) {
    for (Name name : model.names.values()) {
      name.installedPkg = null;
      name.installedName = null;
      name.requirers = 0;
    }
    for (Pkg pkg : model.installed) {
      pkg.name.installedPkg = pkg;
      pkg.name.installedName = pkg.name;
      for (Dep d : pkg.provides) {
        if (d.spec().version() != null) {
          d.name().installedName = pkg.name;
        }
      }
    }
    for (Pkg pkg : model.installed) {
      trackDepsAdded(pkg);
    }
    for (Pkg pkg : model.installed) {
      checkRemovalByDeps(pkg);
    }
    for (Dep d : world) {
      genDep(null, d);
    }
    for (Pkg pkg : model.installed) {
      genNameChange(pkg.name, null);
    }
  }
}
