package dev.sealbuild.builder.source;

import dev.sealbuild.builder.fs.ImageTree;
import java.io.IOException;
import java.util.Map;

/**
 * A scope's build-only packages (the spec's {@code buildPackages} and what only they need), laid over the tree while
 * each run step runs, as temporary inputs are. Unlike a temporary copy, only its files and links are its own: a
 * directory it creates stays when a step puts something it keeps there (a header installed into {@code /usr/include}),
 * as a directory stays after {@code apk del} when files remain in it.
 */
public record BuildOnlyPackagesSource(LayerSource packages) implements LayerSource {
  @Override
  public String describe() {
    return "build-only " + packages.describe();
  }

  @Override
  public void addTo(ImageTree tree) throws IOException {
    packages.addTo(tree);
  }

  @Override
  public Object fingerprint() throws IOException {
    return Map.of("buildOnly", packages.fingerprint());
  }
}
