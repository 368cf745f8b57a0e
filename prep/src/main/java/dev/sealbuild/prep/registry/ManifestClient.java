package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.oci.MediaType;
import dev.sealbuild.prep.http.Response;
import dev.sealbuild.prep.http.TransportException;
import dev.sealbuild.prep.http.TransportRequest;
import java.net.URI;
import java.util.Optional;

/**
 * Fetches and pushes manifests with their exact bytes (they are what the pinned digest names; a client that parses
 * and re-serializes them would change it), over the transport with the registry's Basic or Bearer-token handshake.
 */
final class ManifestClient {
  /** A manifest response: its bytes and the registry's claims about them. */
  record Fetched(byte[] bytes, String contentType, String dockerContentDigest) {}

  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
  private static final int MAX_ERROR_BYTES = 16 * 1024;

  private final RegistryHttp http;

  ManifestClient(RegistryHttp http) {
    this.http = http;
  }

  Fetched fetch(ImageReference ref, String qualifier) {
    return fetchIfPresent(ref, qualifier, false).orElseThrow();
  }

  /** Like {@link #fetch}, but empty when the registry answers 404 (no such tag or manifest). */
  Optional<Fetched> fetchIfPresent(ImageReference ref, String qualifier) {
    return fetchIfPresent(ref, qualifier, true);
  }

  private Optional<Fetched> fetchIfPresent(ImageReference ref, String qualifier, boolean mayBeMissing) {
    URI uri = http.uri(ref, "/manifests/" + qualifier);
    try (Response response = http.send(ref, RegistryHttp.PULL, null, authorization -> RegistryHttp.withAuthorization(
        TransportRequest.get("image " + ref, uri).header("Accept", MediaType.accept()), authorization))) {
      if (mayBeMissing && response.status() == 404) {
        return Optional.empty();
      }
      if (response.status() != 200) {
        throw new RegistryException(RegistryHttp.describeFailure(ref, qualifier, response.status(),
            response.readPrefix(MAX_ERROR_BYTES)));
      }
      byte[] bytes = response.readAtMost(MAX_MANIFEST_BYTES);
      return Optional.of(new Fetched(bytes, response.header("Content-Type").map(ManifestClient::bareMediaType).orElse(""),
          response.header("Docker-Content-Digest").orElse(null)));
    }
  }

  /** True when the registry serves OCI 1.1's referrers API ({@code GET /v2/NAME/referrers/DIGEST} answers 200). */
  boolean servesReferrers(ImageReference ref, String digest) {
    URI uri = http.uri(ref, "/referrers/" + digest);
    try (Response response = http.send(ref, RegistryHttp.PULL, null, authorization -> RegistryHttp.withAuthorization(
        TransportRequest.get("the referrers of " + ref, uri).header("Accept", MediaType.OCI_INDEX.toString()), authorization))) {
      return response.status() == 200;
    }
  }

  /**
   * Uploads manifest {@code bytes} unchanged as {@code qualifier} (a tag or digest) of {@code ref}'s repository,
   * with a token for {@code pull,push} when the registry wants one. Returns the registry's Docker-Content-Digest.
   */
  Optional<String> put(ImageReference ref, String qualifier, String mediaType, byte[] bytes) {
    URI uri = http.uri(ref, "/manifests/" + qualifier);
    TransportRequest.Body body = TransportRequest.Body.of(bytes);
    try (Response response = http.send(ref, RegistryHttp.PUSH, null, authorization -> RegistryHttp.withAuthorization(
        TransportRequest.get("image " + ref, uri).withMethod("PUT", body).header("Content-Type", mediaType),
        authorization))) {
      int status = response.status();
      if (status != 200 && status != 201 && status != 202) {
        throw new RegistryException("pushing manifest " + qualifier + " to " + ref.registry() + "/" + ref.repository()
            + " failed: " + RegistryHttp.describeFailure(ref, qualifier, status, response.readPrefix(MAX_ERROR_BYTES)));
      }
      return response.header("Docker-Content-Digest");
    }
  }

  /**
   * Asks {@code GET /v2/} (retrying transient failures): a registry answers 200, or 401 asking for credentials, so
   * an unreachable host, a TLS mismatch or a server that is no registry fails here, before any upload starts.
   */
  void ping(ImageReference ref) {
    URI uri = URI.create(http.baseUrl(ref.registry()) + "/v2/");
    int status;
    try (Response response = http.sendWithoutAuthorization(TransportRequest.get("image " + ref, uri))) {
      status = response.status();
    } catch (TransportException e) {
      throw new RegistryException(e.getMessage(), e);
    }
    if (status == 404 || status >= 500) {
      throw new RegistryException(uri + " answered HTTP " + status + " for " + ref + ": "
          + (status == 404 ? "no registry API there; check the host and port" : "registry error: retry later"));
    }
  }

  private static String bareMediaType(String contentType) {
    return contentType.split(";", 2)[0].trim();
  }
}
