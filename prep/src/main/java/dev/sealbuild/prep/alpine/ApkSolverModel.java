package dev.sealbuild.prep.alpine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * apk's in-memory database, reduced to what its solver reads: names with their providers and reverse
 * dependencies, and packages with their dependencies. Built once per resolution; mutable solver state
 * lives on the nodes, as in apk, and never escapes {@link ApkSolver}.
 */
final class ApkSolverModel {
  /** apk's {@code struct apk_name}. */
  static final class Name {
    final String name;
    final List<Provider> providers = new ArrayList<>();
    final List<Name> rdepends = new ArrayList<>();
    final List<Name> rinstallIf = new ArrayList<>();
    /** 0: only packages of this name; 1: also provided by others; 2: only provided by others. */
    int priority;
    private Name rdependsMark;
    private Name rinstallIfMark;

    // solver state (apk_solver_name_state)
    Provider chosen = Provider.NONE;
    boolean seen;
    boolean locked;
    boolean inDirty;
    boolean inUnresolved;
    boolean reevaluateDeps;
    boolean reevaluateIif;
    boolean hasIif;
    boolean noIif;
    boolean hasOptions;
    boolean reverseDepsDone;
    boolean hasVirtualProvides;
    boolean inChangeset;
    int requirers;
    int maxDepChain;
    int mergeDepends;
    int mergeProvides;
    Pkg installedPkg;
    Name installedName;

    Name(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** apk's {@code struct apk_package}. */
  static final class Pkg {
    final ApkPackage data;
    final Name name;
    final List<Dep> depends = new ArrayList<>();
    final List<Dep> provides = new ArrayList<>();
    final List<Dep> installIf = new ArrayList<>();
    boolean installed;
    boolean inRepository;

    // solver state (apk_solver_package_state)
    boolean seen;
    boolean selectable;
    boolean iifTriggered;
    boolean iifFailed;
    boolean dependenciesMerged;
    boolean dependenciesUsed;
    boolean error;
    boolean inChangeset;
    int conflicts;
    int maxDepChain;

    Pkg(ApkPackage data, Name name) {
      this.data = data;
      this.name = name;
    }

    String version() {
      return data.version();
    }

    /** apk's repository bit set, of which only the lowest bit matters to the solver. */
    int repos() {
      return (inRepository ? 2 : 0) | (data.installedSize() == 0 ? 1 : 0);
    }

    @Override
    public String toString() {
      return data.nameVersion();
    }
  }

  /** A dependency atom bound to its name node. */
  record Dep(Name name, ApkDependency spec) {
    boolean conflict() {
      return spec.conflict();
    }

    /** apk's {@code apk_dep_is_provided}. */
    boolean isProvidedBy(Provider p) {
      if (p == null || p.pkg() == null) {
        return spec.isSatisfiedByNothing();
      }
      return spec.isProvidedBy(p.version(), p.pkg().data.checksum());
    }
  }

  /** A package providing a name, at a version (null: an unversioned, "virtual" provide). */
  record Provider(Pkg pkg, String version) {
    static final Provider NONE = new Provider(null, null);
  }

  final Map<String, Name> names = new LinkedHashMap<>();
  final List<Pkg> installed = new ArrayList<>();

  ApkSolverModel(List<ApkPackage> available, List<ApkPackage> installedPackages) {
    Map<String, Pkg> byChecksum = new HashMap<>();
    for (ApkPackage p : installedPackages) {
      Pkg pkg = add(p, byChecksum);
      if (pkg != null && !pkg.installed) {
        pkg.installed = true;
        installed.add(pkg);
      }
    }
    for (ApkPackage p : available) {
      Pkg pkg = add(p, byChecksum);
      if (pkg != null) {
        pkg.inRepository = true;
      }
    }
    for (Name name : names.values()) {
      linkReverse(name);
    }
  }

  Name name(String name) {
    return names.computeIfAbsent(name, Name::new);
  }

  private Pkg add(ApkPackage data, Map<String, Pkg> byChecksum) {
    if (!data.installable()) {
      return null;
    }
    Pkg existing = byChecksum.get(data.checksum());
    if (existing != null) {
      return existing;
    }
    Pkg pkg = new Pkg(data, name(data.name()));
    byChecksum.put(data.checksum(), pkg);
    data.depends().forEach(d -> pkg.depends.add(new Dep(name(d.name()), d)));
    data.provides().forEach(d -> pkg.provides.add(new Dep(name(d.name()), d)));
    data.installIf().forEach(d -> pkg.installIf.add(new Dep(name(d.name()), d)));
    pkg.name.providers.add(new Provider(pkg, data.version()));
    for (Dep provide : pkg.provides) {
      provide.name().providers.add(new Provider(pkg, provide.spec().version()));
    }
    return pkg;
  }

  /** apk's {@code apk_db_name_rdepends}, run over names in creation order rather than hash order. */
  private static void linkReverse(Name name) {
    int virtual = 0;
    for (Provider p : name.providers) {
      if (p.pkg().name != name) {
        virtual++;
      }
      for (Dep dep : p.pkg().depends) {
        if (dep.name().rdependsMark != name) {
          dep.name().rdependsMark = name;
          dep.name().rdepends.add(name);
        }
      }
      for (Dep dep : p.pkg().installIf) {
        if (dep.name().rinstallIfMark != name) {
          dep.name().rinstallIfMark = name;
          dep.name().rinstallIf.add(name);
        }
      }
    }
    name.priority = virtual == 0 ? 0 : virtual != name.providers.size() ? 1 : 2;
  }
}
