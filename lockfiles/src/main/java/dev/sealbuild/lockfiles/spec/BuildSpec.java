package dev.sealbuild.lockfiles.spec;

import dev.sealbuild.formats.oci.Platform;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A parsed, validated {@code build.yaml}, with defaults applied. {@code stages} are named build stages (sorted by
 * name), {@code run} the image's own steps; {@link #stage} gives the spec one stage is built from.
 */
public record BuildSpec(
    String name,
    Base base,
    List<FileEntry> files,
    List<CopyEntry> copy,
    ImageConfigSpec config,
    List<Platform> platforms,
    LayerStrategy layers,
    LayerCompression compression,
    List<RepositorySpec> repositories,
    List<String> packages,
    List<String> exclude,
    List<String> buildPackages,
    Accounts accounts,
    Map<String, StageSpec> stages,
    List<RunStep> run) {
  static final String STAGE_NAME = "[a-z0-9][a-z0-9._-]*";

  /**
   * The spec as {@code build.yaml} gives it: besides what the constructor checks, every {@code from:} must name a
   * declared stage, stages may not form a cycle, and each stage must be a valid spec of its own.
   */
  @JsonCreator
  public static BuildSpec fromSpec(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty("base") Base base,
      @JsonProperty("files") List<FileEntry> files,
      @JsonProperty("copy") List<CopyEntry> copy,
      @JsonProperty("config") ImageConfigSpec config,
      @JsonProperty("platforms") List<Platform> platforms,
      @JsonProperty("layers") LayerStrategy layers,
      @JsonProperty("compression") LayerCompression compression,
      @JsonProperty("repositories") List<RepositorySpec> repositories,
      @JsonProperty("packages") List<String> packages,
      @JsonProperty("exclude") List<String> exclude,
      @JsonProperty("buildPackages") List<String> buildPackages,
      @JsonProperty("accounts") Accounts accounts,
      @JsonProperty("stages") Map<String, StageSpec> stages,
      @JsonProperty("run") List<RunStep> run) {
    BuildSpec spec = new BuildSpec(name, base, files, copy, config, platforms, layers, compression, repositories, packages,
        exclude, buildPackages, accounts, stages, run);
    spec.checkStages();
    return spec;
  }

  /** A spec without stages or run steps. */
  public BuildSpec(String name, Base base, List<FileEntry> files, List<CopyEntry> copy, ImageConfigSpec config,
      List<Platform> platforms, LayerStrategy layers, LayerCompression compression, List<RepositorySpec> repositories,
      List<String> packages, List<String> exclude, Accounts accounts) {
    this(name, base, files, copy, config, platforms, layers, compression, repositories, packages, exclude, null, accounts, null,
        null);
  }

  /**
   * Checks each value on its own; {@code from:} references are checked by {@link #fromSpec} (a stage's view from
   * {@link #stage} copies from stages it does not declare).
   */
  public BuildSpec(
      String name,
      Base base,
      List<FileEntry> files,
      List<CopyEntry> copy,
      ImageConfigSpec config,
      List<Platform> platforms,
      LayerStrategy layers,
      LayerCompression compression,
      List<RepositorySpec> repositories,
      List<String> packages,
      List<String> exclude,
      List<String> buildPackages,
      Accounts accounts,
      Map<String, StageSpec> stages,
      List<RunStep> run) {
    if (name == null || !name.matches("[a-z0-9][a-z0-9._/:-]*")) {
      throw new IllegalArgumentException("name '" + name + "' must be a lowercase image name such as my-app or registry.example.com/team/app");
    }
    this.name = name;
    this.base = base == null ? Base.SCRATCH : base;
    this.files = files == null ? List.of() : List.copyOf(files);
    this.copy = copy == null ? List.of() : List.copyOf(copy);
    this.config = config == null ? ImageConfigSpec.EMPTY : config;
    List<Platform> p = platforms == null || platforms.isEmpty() ? List.of(Platform.LINUX_AMD64) : platforms;
    if (p.stream().distinct().count() != p.size()) {
      throw new IllegalArgumentException("platforms lists the same platform twice");
    }
    this.platforms = List.copyOf(p);
    this.layers = layers == null ? LayerStrategy.SQUASH : layers;
    this.compression = compression == null ? LayerCompression.GZIP : compression;
    this.repositories = repositories == null ? List.of() : List.copyOf(repositories);
    if (this.repositories.stream().map(RepositorySpec::name).distinct().count() != this.repositories.size()) {
      throw new IllegalArgumentException("two repositories have the same name");
    }
    this.packages = packages == null ? List.of() : packages.stream().distinct().sorted().toList();
    this.exclude = exclude == null ? List.of() : exclude.stream().distinct().sorted().toList();
    this.buildPackages = buildPackages == null ? List.of() : buildPackages.stream().distinct().sorted().toList();
    if (!this.packages.isEmpty() && this.repositories.isEmpty()) {
      throw new IllegalArgumentException("packages are listed but no repositories are declared to install them from");
    }
    if (!this.buildPackages.isEmpty() && this.repositories.isEmpty()) {
      throw new IllegalArgumentException("buildPackages are listed but no repositories are declared to install them from");
    }
    for (String both : this.buildPackages) {
      if (this.packages.contains(both)) {
        throw new IllegalArgumentException("package " + both + " is listed under both packages and buildPackages;"
            + " keep it under packages to ship it, or under buildPackages to have it only while the run steps run");
      }
    }
    if (this.repositories.stream().map(RepositorySpec::type).distinct().count() > 1) {
      throw new IllegalArgumentException("repositories must all be debian or all be alpine, not both");
    }
    if (!this.packages.isEmpty() && RepositorySpec.ALPINE.equals(this.repositories.get(0).type())) {
      checkWorld(this.packages, this.repositories);
    } else {
      for (String pkg : this.packages) {
        checkRequest(pkg, this.repositories.get(0).type());
      }
    }
    for (String pkg : this.buildPackages) {
      checkRequest(pkg, this.repositories.get(0).type());
    }
    if (this.base.isScratch() && !this.packages.isEmpty()) {
      this.repositories.stream().filter(RepositorySpec::isFromBase).findFirst().ifPresent(r -> {
        throw new IllegalArgumentException("repository " + r.name() + ": from: base takes the repositories a base names, but the base"
            + " is scratch; set base: to an image or rootfs, or give the repository a url");
      });
    }
    this.accounts = accounts == null ? Accounts.NONE : accounts;
    Map<String, StageSpec> sorted = new TreeMap<>();
    if (stages != null) {
      for (Map.Entry<String, StageSpec> e : stages.entrySet()) {
        if (e.getKey() == null || !e.getKey().matches(STAGE_NAME)) {
          throw new IllegalArgumentException("stage name '" + e.getKey() + "' must be lowercase letters, digits, '.', '_' or '-', such as build");
        }
        if (e.getValue() == null) {
          throw new IllegalArgumentException("stage '" + e.getKey() + "' is empty; give it packages, files, copy or run steps");
        }
        sorted.put(e.getKey(), e.getValue());
      }
    }
    this.stages = Collections.unmodifiableMap(sorted);
    this.run = run == null ? List.of() : List.copyOf(run);
    checkTemporary(this.files, this.copy, this.run);
    if (!this.buildPackages.isEmpty() && this.run.isEmpty()) {
      throw new IllegalArgumentException("buildPackages (" + String.join(", ", this.buildPackages) + ") are there for the"
          + " run steps, but there are none; add run steps, or move them to packages");
    }
  }

  /** Every package the steps see: {@code packages} and {@code buildPackages}, as one request. */
  public List<String> packagesWhileStepsRun() {
    List<String> all = new ArrayList<>(packages);
    all.addAll(buildPackages);
    return all.stream().sorted().toList();
  }

  /** This spec with its build-only packages requested as ordinary ones (what the steps see, resolved as one closure). */
  public BuildSpec withBuildPackagesInstalled() {
    return new BuildSpec(name, base, files, copy, config, platforms, layers, compression, repositories,
        packagesWhileStepsRun(), exclude, null, accounts, stages, run);
  }

  /** This spec without its build-only packages (what the image keeps). */
  public BuildSpec withoutBuildPackages() {
    return new BuildSpec(name, base, files, copy, config, platforms, layers, compression, repositories, packages, exclude,
        null, accounts, stages, run);
  }

  /** A {@code temporary: true} entry is there for the steps: without any, it would be fetched for nothing. */
  private static void checkTemporary(List<FileEntry> files, List<CopyEntry> copy, List<RunStep> run) {
    if (!run.isEmpty()) {
      return;
    }
    for (int i = 0; i < files.size(); i++) {
      if (files.get(i).temporary()) {
        throw new IllegalArgumentException("files[" + i + "] (" + files.get(i).url() + ") is temporary but there are no run steps to use it;"
            + " add run steps or drop temporary: true");
      }
    }
    for (int i = 0; i < copy.size(); i++) {
      if (copy.get(i).temporary()) {
        throw new IllegalArgumentException("copy[" + i + "] (" + copy.get(i).source() + ") is temporary but there are no run steps to use it;"
            + " add run steps or drop temporary: true");
      }
    }
  }

  private void checkStages() {
    checkFrom("", copy);
    checkBase("", base);
    for (Map.Entry<String, StageSpec> e : stages.entrySet()) {
      checkFrom("stage '" + e.getKey() + "': ", e.getValue().copy());
      checkBase("stage '" + e.getKey() + "': ", e.getValue().base());
    }
    stageOrder();
    for (String stage : stages.keySet()) {
      try {
        stage(stage);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("stage '" + stage + "': " + e.getMessage());
      }
    }
  }

  private void checkFrom(String where, List<CopyEntry> entries) {
    for (int i = 0; i < entries.size(); i++) {
      String from = entries.get(i).from();
      if (from != null && !stages.containsKey(from)) {
        throw new IllegalArgumentException(where + "copy[" + i + "] takes from stage '" + from + "', which is not declared ("
            + (stages.isEmpty() ? "the spec declares no stages" : "stages: " + String.join(", ", stages.keySet())) + ")");
      }
    }
  }

  private void checkBase(String where, Base b) {
    if (b.isStage() && !stages.containsKey(b.stage())) {
      throw new IllegalArgumentException(where + "base is stage '" + b.stage() + "', which is not declared ("
          + (stages.isEmpty() ? "the spec declares no stages" : "stages: " + String.join(", ", stages.keySet())) + ")");
    }
  }

  /** The declared stages {@code stage} needs built first: the ones it copies {@code from:} and the one it starts from. */
  private Set<String> needs(StageSpec stage) {
    Set<String> from = new TreeSet<>();
    stage.copy().stream().map(CopyEntry::from).filter(f -> f != null && stages.containsKey(f)).forEach(from::add);
    if (stage.base().isStage() && stages.containsKey(stage.base().stage())) {
      from.add(stage.base().stage());
    }
    return from;
  }

  /** Every declared stage, each after the stages it copies {@code from:} and the stage it starts from, ties by name. */
  public List<String> stageOrder() {
    Map<String, Set<String>> needs = new LinkedHashMap<>();
    stages.forEach((name, stage) -> needs.put(name, needs(stage)));
    List<String> order = new ArrayList<>();
    TreeSet<String> ready = new TreeSet<>();
    needs.forEach((name, from) -> {
      if (from.isEmpty()) {
        ready.add(name);
      }
    });
    while (!ready.isEmpty()) {
      String next = ready.pollFirst();
      order.add(next);
      needs.forEach((name, from) -> {
        if (from.remove(next) && from.isEmpty()) {
          ready.add(name);
        }
      });
    }
    if (order.size() < stages.size()) {
      throw new IllegalArgumentException("stages " + String.join(" -> ", cycle()) + " form a cycle");
    }
    return List.copyOf(order);
  }

  /** A cycle among the stages, first stage repeated at the end; found from the first stage by name that is on one. */
  private List<String> cycle() {
    for (String start : stages.keySet()) {
      List<String> path = new ArrayList<>();
      if (walk(start, start, path, new TreeSet<>())) {
        path.add(0, start);
        return path;
      }
    }
    throw new IllegalStateException("no cycle among " + stages.keySet());
  }

  private boolean walk(String start, String at, List<String> path, Set<String> seen) {
    for (String next : needs(stages.get(at))) {
      path.add(next);
      if (next.equals(start) || (seen.add(next) && walk(start, next, path, seen))) {
        return true;
      }
      path.remove(path.size() - 1);
    }
    return false;
  }

  /**
   * The spec stage {@code name} is built from: its base, files, copy, packages, accounts and run steps, its
   * repositories or else the image's, the image's platforms, layers and compression, no config and no stages,
   * named after the image and the stage.
   */
  public BuildSpec stage(String name) {
    StageSpec s = stages.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no stage '" + name + "' (stages: " + String.join(", ", stages.keySet()) + ")");
    }
    List<RepositorySpec> repos = s.repositories().isEmpty() ? repositories : s.repositories();
    return new BuildSpec(this.name + "-" + name, s.base(), s.files(), s.copy(), ImageConfigSpec.EMPTY, platforms, layers, compression,
        repos, s.packages(), s.exclude(), s.buildPackages(), s.accounts(), null, s.run());
  }

  private static void checkRequest(String pkg, String type) {
    if (RepositorySpec.DEBIAN.equals(type)) {
      DebianPackageRequest.parse(pkg);
    }
  }

  /**
   * Alpine {@code packages:} are apk world entries: each must parse, name a tag some repository entry carries, and
   * name its package once (apk's world keeps one entry per name).
   */
  private static void checkWorld(List<String> packages, List<RepositorySpec> repositories) {
    Map<String, String> byName = new TreeMap<>();
    for (String pkg : packages) {
      ApkWorldEntry entry = ApkWorldEntry.parse(pkg);
      entry.tag().ifPresent(tag -> {
        // a from: base entry may bring the tag (an @tag line of the base's /etc/apk/repositories): checked at lock time
        if (repositories.stream().noneMatch(r -> tag.equals(r.tag()) || r.isFromBase())) {
          throw new IllegalArgumentException("package '" + pkg + "': no repository has tag: " + tag
              + "; add tag: " + tag + " to the repository entry it should come from, or drop @" + tag);
        }
      });
      String previous = byName.put(entry.name(), pkg);
      if (previous != null) {
        throw new IllegalArgumentException("packages '" + previous + "' and '" + pkg + "' both name " + entry.name()
            + "; apk keeps one world entry per name, so keep one of them");
      }
    }
  }

  /** The repositories of the image and of every stage that declares its own, each once: what {@code --mirror} may name. */
  public List<RepositorySpec> everyRepository() {
    java.util.LinkedHashSet<RepositorySpec> every = new java.util.LinkedHashSet<>(repositories);
    stages.values().forEach(s -> every.addAll(s.repositories()));
    return List.copyOf(every);
  }

  /**
   * The chain of stages a scope starts from: for {@code base: {stage: a}} where {@code a} starts from stage {@code b},
   * {@code [a, b]}; empty when {@code base} is not a stage.
   */
  public List<String> baseChain(Base start) {
    List<String> chain = new ArrayList<>();
    Base at = start;
    while (at.isStage() && stages.containsKey(at.stage()) && !chain.contains(at.stage())) {
      chain.add(at.stage());
      at = stages.get(at.stage()).base();
    }
    return List.copyOf(chain);
  }

  /** Where a chain of stage bases ends: scratch, a rootfs or an image. */
  public Base rootBase(Base start) {
    List<String> chain = baseChain(start);
    return chain.isEmpty() ? start : stages.get(chain.get(chain.size() - 1)).base();
  }

  /** The package manager the repositories use, or null when the spec installs no packages. */
  public String packageType() {
    return repositories.isEmpty() ? null : repositories.get(0).type();
  }
}
