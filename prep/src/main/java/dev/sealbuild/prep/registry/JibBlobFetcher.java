package dev.sealbuild.prep.registry;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.registry.RegistryClient;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Pulls blobs with Jib's RegistryClient, which does the Basic/Bearer handshake and follows blob redirects. */
final class JibBlobFetcher {
  private final RegistrySettings settings;
  private final CredentialLookup credentials;
  private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();
  private final Map<Boolean, FailoverHttpClient> httpClients = new ConcurrentHashMap<>();

  JibBlobFetcher(RegistrySettings settings, CredentialLookup credentials) {
    this.settings = settings;
    this.credentials = credentials;
  }

  /** Writes the blob to {@code out} (a {@link VerifyingOutputStream} does the size and digest checks). */
  void fetch(ImageReference repository, Sha256 digest, OutputStream out) {
    DescriptorDigest jibDigest;
    try {
      jibDigest = DescriptorDigest.fromDigest(digest.toString());
    } catch (DigestException e) {
      throw new IllegalStateException(e);
    }
    String what = "blob " + digest + " of " + repository.registry() + "/" + repository.repository();
    for (int attempt = 1; ; attempt++) {
      try {
        client(repository).pullBlob(jibDigest, size -> {}, written -> {}).writeTo(out);
        return;
      } catch (IOException | RuntimeException e) {
        dev.sealbuild.prep.registry.RegistryException ours = ownRefusal(e);
        if (ours != null) {
          throw ours; // our own size/digest refusal, not worth retrying
        }
        Integer status = httpStatus(e);
        boolean transientFailure = e instanceof IOException && (status == null || status == 429 || status >= 500);
        boolean nothingWritten = !(out instanceof VerifyingOutputStream verifying) || verifying.written() == 0;
        if (transientFailure && nothingWritten && attempt < settings.maxAttempts()) {
          pause(attempt);
          continue;
        }
        String reason = status != null
            ? "HTTP " + status + ": " + ManifestClient.explainStatus(repository, status, "digest")
            : describe(e);
        throw new dev.sealbuild.prep.registry.RegistryException("fetching " + what + " failed"
            + (attempt > 1 ? " after " + attempt + " attempts" : "") + (nothingWritten ? "" : " midway") + ": " + reason, e);
      }
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(250L << Math.min(attempt, 5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.sealbuild.prep.registry.RegistryException("interrupted while waiting to retry a blob fetch");
    }
  }

  /** The HTTP status Jib saw, if the failure was an HTTP response. */
  static Integer httpStatus(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof com.google.cloud.tools.jib.http.ResponseException response) {
        return response.getStatusCode();
      }
      if (t instanceof com.google.cloud.tools.jib.api.RegistryUnauthorizedException) {
        return 401; // Jib's type for 401 and 403; the status itself sits in a class outside Jib's compile API
      }
    }
    return null;
  }

  private RegistryClient client(ImageReference repository) {
    String key = repository.registry() + "/" + repository.repository();
    return clients.computeIfAbsent(key, unused -> {
      boolean plainHttp = settings.allowsPlainHttp(repository.registry());
      FailoverHttpClient http = httpClients.computeIfAbsent(plainHttp,
          insecure -> insecure ? new PlainHttpClient(settings) : new FailoverHttpClient(false, false, event -> {}));
      RegistryClient.Factory factory = RegistryClient.factory(EventHandlers.NONE, repository.registry(), repository.repository(), http)
          .setUserAgent("sealbuild");
      Optional<CredentialLookup.UserPassword> credential = credentials.find(repository.registry(), repository.repository());
      credential.ifPresent(found -> factory.setCredential(Credential.from(found.user(), found.password())));
      RegistryClient client = factory.newRegistryClient();
      try {
        if (!client.doPullBearerAuth() && credential.isPresent()) {
          client.configureBasicAuth();
        }
      } catch (IOException | RegistryException e) {
        throw new dev.sealbuild.prep.registry.RegistryException("cannot authenticate to " + repository.registry() + " for "
            + repository.repository() + ": " + describe(e), e);
      }
      return client;
    });
  }

  static dev.sealbuild.prep.registry.RegistryException ownRefusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof dev.sealbuild.prep.registry.RegistryException ours) {
        return ours;
      }
    }
    return null;
  }

  /** Jib nests the useful text (HTTP status, registry error) in causes; show the innermost distinct messages. */
  static String describe(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null && text.length() < 400; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && !text.toString().contains(message)) {
        text.append(text.length() > 0 ? ": " : "").append(message);
      }
    }
    return text.length() > 0 ? text.toString() : e.toString();
  }

  void close() {
    httpClients.values().forEach(client -> {
      try {
        client.shutDown();
      } catch (IOException e) {
        // Nothing useful to do while closing.
      }
    });
  }
}
