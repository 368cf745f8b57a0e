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
    /** A non-conflict world entry names it (for the dequeue order, see ApkSolver). */
    boolean inWorld;
    /** apk's {@code has_auto_selectable} (2.14-stable after 2.14.4): a candidate may be picked for this name by itself. */
    boolean hasAutoSelectable;
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
    /** apk's {@code pkg->repos}: bit 0 the cache (packages of installed size 0), bit 1 + i the i-th repository. */
    int repoBits;

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
    int pinningAllowed;
    int pinningPreferred;
    boolean tagOk;
    boolean tagPreferred;

    Pkg(ApkPackage data, Name name) {
      this.data = data;
      this.name = name;
    }

    String version() {
      return data.version();
    }

    /** apk's repository bit set. */
    int repos() {
      return repoBits | (data.installedSize() == 0 ? 1 : 0);
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
  /** Repository tags by index; index 0 is apk's default (untagged) tag. */
  final List<String> tags = new ArrayList<>();
  /** Per tag index, the repository bits it allows (apk's {@code repo_tags[i].allowed_repos}). */
  final List<Integer> allowedRepos = new ArrayList<>();

  ApkSolverModel(List<ApkResolver.Repository> repositories, List<ApkPackage> installedPackages) {
    if (repositories.size() > 29) {
      throw new ApkException("more than 29 Alpine repositories; apk itself takes at most 32");
    }
    tags.add(null);
    allowedRepos.add(1);
    for (int i = 0; i < repositories.size(); i++) {
      int tag = tagIndex(repositories.get(i).tag());
      allowedRepos.set(tag, allowedRepos.get(tag) | (1 << (1 + i)));
    }
    Map<String, Pkg> byChecksum = new HashMap<>();
    for (ApkPackage p : installedPackages) {
      Pkg pkg = add(p, byChecksum);
      if (pkg != null && !pkg.installed) {
        pkg.installed = true;
        installed.add(pkg);
      }
    }
    for (int i = 0; i < repositories.size(); i++) {
      for (ApkPackage p : repositories.get(i).packages()) {
        Pkg pkg = add(p, byChecksum);
        if (pkg != null) {
          pkg.inRepository = true;
          pkg.repoBits |= 1 << (1 + i);
        }
      }
    }
    for (Name name : names.values()) {
      linkReverse(name);
    }
  }

  /** The index of {@code tag} (null: the default tag), added when new (a tag no repository carries allows none). */
  int tagIndex(String tag) {
    int i = tags.indexOf(tag);
    if (i < 0) {
      tags.add(tag);
      allowedRepos.add(0);
      i = tags.size() - 1;
    }
    return i;
  }

  /** apk's {@code apk_db_get_pinning_mask_repos}: the repositories any tag of {@code mask} allows. */
  int pinningMaskRepos(int mask) {
    int repos = 0;
    for (int i = 0; i < allowedRepos.size() && i < 16; i++) {
      if ((mask & (1 << i)) != 0) {
        repos |= allowedRepos.get(i);
      }
    }
    return repos;
  }

  /** apk's {@code get_pkg_repos}: an installed package counts as in the repositories of its (default) tag. */
  int pkgRepos(Pkg pkg) {
    return pkg.repos() | (pkg.installed ? allowedRepos.get(0) : 0);
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
