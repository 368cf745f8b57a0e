package dev.sealbuild.prep.registry;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the user name and password for a registry the way Docker and Podman do, using Jib's retrievers (which
 * understand {@code auths}, {@code credHelpers} and {@code credsStore}). Files are searched in this order:
 * {@code $REGISTRY_AUTH_FILE}, {@code $XDG_RUNTIME_DIR/containers/auth.json}, {@code $DOCKER_CONFIG/config.json}
 * (else {@code $HOME/.docker/config.json}); only the given environment is consulted.
 */
final class CredentialLookup {
  /** A user name and password (or identity token) for one registry. */
  record UserPassword(String user, String password) {
    @Override
    public String toString() {
      return "UserPassword[" + user + ", ****]";
    }
  }

  private final Map<String, String> environment;

  CredentialLookup(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  Optional<UserPassword> find(String registry, String repository) {
    List<String> warnings = new ArrayList<>();
    CredentialRetrieverFactory factory = CredentialRetrieverFactory.forImage(
        com.google.cloud.tools.jib.api.ImageReference.of(registry, repository, null),
        event -> {
          // Jib reports an unparsable config file only as an INFO event.
          if (event.getLevel() == LogEvent.Level.WARN || event.getLevel() == LogEvent.Level.ERROR
              || event.getMessage().startsWith("Unable to parse")) {
            warnings.add(event.getMessage());
          }
        },
        environment);
    for (Path file : configFiles()) {
      CredentialRetriever retriever = factory.dockerConfig(file);
      try {
        warnings.clear();
        Optional<Credential> found = retriever.retrieve();
        if (found.isPresent()) {
          return Optional.of(new UserPassword(found.get().getUsername(), found.get().getPassword()));
        }
        if (!warnings.isEmpty()) {
          // Jib only logs a file it cannot parse; going on without it would end in a puzzling 401.
          throw new RegistryException("cannot read credentials for " + registry + " from " + file + ": " + warnings.get(0)
              + " (fix or remove that file)");
        }
      } catch (CredentialRetrievalException e) {
        throw new RegistryException("cannot read credentials for " + registry + " from " + file + ": " + e.getMessage()
            + " (fix or remove that entry)", e);
      }
    }
    return Optional.empty();
  }

  List<Path> configFiles() {
    List<Path> files = new ArrayList<>();
    variable("REGISTRY_AUTH_FILE").map(Path::of).ifPresent(files::add);
    variable("XDG_RUNTIME_DIR").map(dir -> Path.of(dir, "containers", "auth.json")).ifPresent(files::add);
    Optional<String> dockerConfig = variable("DOCKER_CONFIG");
    if (dockerConfig.isPresent()) {
      files.add(Path.of(dockerConfig.get(), "config.json"));
    } else {
      variable("HOME").map(home -> Path.of(home, ".docker", "config.json")).ifPresent(files::add);
    }
    files.removeIf(file -> !Files.isRegularFile(file));
    return files;
  }

  private Optional<String> variable(String name) {
    return Optional.ofNullable(environment.get(name)).filter(value -> !value.isEmpty());
  }
}
