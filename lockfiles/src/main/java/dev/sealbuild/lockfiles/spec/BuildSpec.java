package dev.sealbuild.lockfiles.spec;

import dev.sealbuild.formats.oci.Platform;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A parsed, validated {@code build.yaml}, with defaults applied. */
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
    Accounts accounts) {

  @JsonCreator
  public BuildSpec(
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
      @JsonProperty("accounts") Accounts accounts) {
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
    if (!this.packages.isEmpty() && this.repositories.isEmpty()) {
      throw new IllegalArgumentException("packages are listed but no repositories are declared to install them from");
    }
    if (this.repositories.stream().map(RepositorySpec::type).distinct().count() > 1) {
      throw new IllegalArgumentException("repositories must all be debian or all be alpine, not both");
    }
    for (String pkg : this.packages) {
      checkRequest(pkg, this.repositories.get(0).type());
    }
    this.accounts = accounts == null ? Accounts.NONE : accounts;
  }

  private static void checkRequest(String pkg, String type) {
    if (RepositorySpec.DEBIAN.equals(type)) {
      DebianPackageRequest.parse(pkg);
    } else if (!pkg.matches("[A-Za-z0-9][A-Za-z0-9.+_:-]*")) {
      throw new IllegalArgumentException("package name '" + pkg + "' is not valid"
          + (pkg.matches("[A-Za-z0-9][A-Za-z0-9.+_:-]*[=/].*") ? ": alpine specs take bare package names for now" : ""));
    }
  }

  /** The package manager the repositories use, or null when the spec installs no packages. */
  public String packageType() {
    return repositories.isEmpty() ? null : repositories.get(0).type();
  }
}
