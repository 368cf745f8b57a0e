package dev.sealbuild.cli;

import dev.sealbuild.prep.debian.AptSources;
import dev.sealbuild.prep.packages.Mirrors;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --mirror NAME=URL}, shared by lock and prep. */
final class MirrorOptions {
  @Option(names = "--mirror", paramLabel = "NAME=URL", description = "fetch repository NAME from URL instead (repeatable)")
  List<String> mirrors = new ArrayList<>();

  Mirrors mirrors() {
    Map<String, URI> overrides = new LinkedHashMap<>();
    for (String m : mirrors) {
      var e = Mirrors.parseOverride(m);
      overrides.put(e.getKey(), e.getValue());
    }
    return new Mirrors(overrides, AptSources.host());
  }
}
