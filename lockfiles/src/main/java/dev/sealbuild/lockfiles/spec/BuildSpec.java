package dev.sealbuild.lockfiles.spec;

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
    LayerStrategy layers) {

  @JsonCreator
  public BuildSpec(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty("base") Base base,
      @JsonProperty("files") List<FileEntry> files,
      @JsonProperty("copy") List<CopyEntry> copy,
      @JsonProperty("config") ImageConfigSpec config,
      @JsonProperty("platforms") List<Platform> platforms,
      @JsonProperty("layers") LayerStrategy layers) {
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
  }
}
