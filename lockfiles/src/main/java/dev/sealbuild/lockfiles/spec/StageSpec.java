package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A named build stage under {@code stages:}: built like the image (base, packages, accounts, files, copy, then its
 * {@code run} steps) and never published; other stages and the image copy from its result with {@code from:}. It
 * takes every top-level key but name, config, platforms, layers, compression and stages; without
 * {@code repositories} it inherits the image's. {@link BuildSpec#stage} gives the spec a stage is built from.
 */
public record StageSpec(Base base, List<FileEntry> files, List<CopyEntry> copy, List<RepositorySpec> repositories,
    List<String> packages, List<String> exclude, List<String> buildPackages, Accounts accounts, List<RunStep> run) {
  @JsonCreator
  public StageSpec(
      @JsonProperty("base") Base base,
      @JsonProperty("files") List<FileEntry> files,
      @JsonProperty("copy") List<CopyEntry> copy,
      @JsonProperty("repositories") List<RepositorySpec> repositories,
      @JsonProperty("packages") List<String> packages,
      @JsonProperty("exclude") List<String> exclude,
      @JsonProperty("buildPackages") List<String> buildPackages,
      @JsonProperty("accounts") Accounts accounts,
      @JsonProperty("run") List<RunStep> run) {
    this.base = base == null ? Base.SCRATCH : base;
    this.files = files == null ? List.of() : List.copyOf(files);
    this.copy = copy == null ? List.of() : List.copyOf(copy);
    this.repositories = repositories == null ? List.of() : List.copyOf(repositories);
    this.packages = packages == null ? List.of() : packages.stream().distinct().sorted().toList();
    this.exclude = exclude == null ? List.of() : exclude.stream().distinct().sorted().toList();
    this.buildPackages = buildPackages == null ? List.of() : buildPackages.stream().distinct().sorted().toList();
    this.accounts = accounts == null ? Accounts.NONE : accounts;
    this.run = run == null ? List.of() : List.copyOf(run);
  }
}
