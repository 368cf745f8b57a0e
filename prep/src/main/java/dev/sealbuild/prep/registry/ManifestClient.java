package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.oci.MediaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches manifests with their exact bytes. Jib's RegistryClient parses manifests into templates and drops the
 * raw bytes, which sealbuild must keep (they are what the pinned digest names), so manifests are fetched here with
 * the JDK client, doing the registry's Basic or Bearer-token handshake with the credentials Jib found. Pushed
 * manifests go the same way for the same reason: Jib re-serializes them, which would change their digest.
 */
final class ManifestClient {
  /** A manifest response: its bytes and the registry's claims about them. */
  record Fetched(byte[] bytes, String contentType, String dockerContentDigest) {}

  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
  private static final int MAX_TOKEN_BYTES = 1024 * 1024;
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PULL = "pull";
  private static final String PUSH = "pull,push";

  private final HttpClient http;
  private final RegistrySettings settings;
  private final CredentialLookup credentials;
  private final Map<String, String> authorizationByRepository = new java.util.concurrent.ConcurrentHashMap<>();

  ManifestClient(HttpClient http, RegistrySettings settings, CredentialLookup credentials) {
    this.http = http;
    this.settings = settings;
    this.credentials = credentials;
  }

  Fetched fetch(ImageReference ref, String qualifier) {
    URI uri = manifestUri(ref, qualifier);
    HttpResponse<InputStream> response = exchange(ref, PULL, authorization -> {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).GET()
          .header("Accept", MediaType.accept()).header("User-Agent", "sealbuild");
      return withAuthorization(request, authorization);
    });
    int status = response.statusCode();
    if (status != 200) {
      String body = new String(readBounded(ref, response, 16 * 1024, false), StandardCharsets.UTF_8);
      throw new RegistryException(describeFailure(ref, qualifier, status, body));
    }
    byte[] bytes = readBounded(ref, response, MAX_MANIFEST_BYTES, true);
    return new Fetched(bytes, response.headers().firstValue("Content-Type").map(ManifestClient::bareMediaType).orElse(""),
        response.headers().firstValue("Docker-Content-Digest").orElse(null));
  }

  /** Like {@link #fetch}, but empty when the registry answers 404 (no such tag or manifest). */
  Optional<Fetched> fetchIfPresent(ImageReference ref, String qualifier) {
    URI uri = manifestUri(ref, qualifier);
    HttpResponse<InputStream> response = exchange(ref, PULL, authorization -> withAuthorization(HttpRequest.newBuilder(uri)
        .timeout(Duration.ofMinutes(2)).GET().header("Accept", MediaType.accept())
        .header("User-Agent", "sealbuild"), authorization));
    if (response.statusCode() == 404) {
      drain(response);
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      String body = new String(readBounded(ref, response, 16 * 1024, false), StandardCharsets.UTF_8);
      throw new RegistryException(describeFailure(ref, qualifier, response.statusCode(), body));
    }
    byte[] bytes = readBounded(ref, response, MAX_MANIFEST_BYTES, true);
    return Optional.of(new Fetched(bytes, response.headers().firstValue("Content-Type").map(ManifestClient::bareMediaType).orElse(""),
        response.headers().firstValue("Docker-Content-Digest").orElse(null)));
  }

  /** True when the registry serves OCI 1.1's referrers API ({@code GET /v2/NAME/referrers/DIGEST} answers 200). */
  boolean servesReferrers(ImageReference ref, String digest) {
    URI uri = URI.create(baseUrl(ref.registry()) + "/v2/" + ref.repository() + "/referrers/" + digest);
    HttpResponse<InputStream> response = exchange(ref, PULL, authorization -> withAuthorization(HttpRequest.newBuilder(uri)
        .timeout(Duration.ofMinutes(1)).GET().header("Accept", MediaType.OCI_INDEX.toString()).header("User-Agent", "sealbuild"), authorization));
    drain(response);
    return response.statusCode() == 200;
  }

  /**
   * Uploads manifest {@code bytes} unchanged as {@code qualifier} (a tag or digest) of {@code ref}'s repository,
   * with a token for {@code pull,push} when the registry wants one. Returns the registry's Docker-Content-Digest.
   */
  Optional<String> put(ImageReference ref, String qualifier, String mediaType, byte[] bytes) {
    URI uri = manifestUri(ref, qualifier);
    HttpResponse<InputStream> response = exchange(ref, PUSH, authorization -> {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
          .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
          .header("Content-Type", mediaType).header("User-Agent", "sealbuild");
      return withAuthorization(request, authorization);
    });
    int status = response.statusCode();
    String body = new String(readBounded(ref, response, 16 * 1024, false), StandardCharsets.UTF_8);
    if (status != 200 && status != 201 && status != 202) {
      throw new RegistryException("pushing manifest " + qualifier + " to " + ref.registry() + "/" + ref.repository() + " failed: "
          + describeFailure(ref, qualifier, status, body));
    }
    return response.headers().firstValue("Docker-Content-Digest");
  }

  /**
   * Asks {@code GET /v2/}, retrying transient failures: a registry answers (200, or 401 asking for credentials),
   * so an unreachable host, a TLS mismatch or a server that is no registry fails here, before any upload starts.
   */
  void ping(ImageReference ref) {
    URI uri = URI.create(baseUrl(ref.registry()) + "/v2/");
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(1)).GET().header("User-Agent", "sealbuild").build();
    HttpResponse<InputStream> response;
    try {
      response = send(ref, request);
    } catch (RegistryException e) {
      if (!(e.getCause() instanceof IOException)) {
        throw e;
      }
      throw new RegistryException(uri + " did not answer after " + settings.maxAttempts() + " attempt"
          + (settings.maxAttempts() == 1 ? "" : "s") + " (" + causes(e.getCause()) + ")", e.getCause());
    }
    drain(response);
    int status = response.statusCode();
    if (status == 404 || status >= 500) {
      throw new RegistryException(uri + " answered HTTP " + status + " for " + ref + ": "
          + (status == 404 ? "no registry API there; check the host and port" : "registry error: retry later"));
    }
  }

  /** The exception chain as {@code Type: message} parts (the JDK's connect errors often carry no message). */
  static String causes(Throwable e) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    for (Throwable t = e; t != null && parts.size() < 5; t = t.getCause()) {
      String part = t.getClass().getSimpleName() + (t.getMessage() == null || t.getMessage().isBlank() ? "" : " " + t.getMessage());
      if (parts.isEmpty() || !parts.get(parts.size() - 1).equals(part)) {
        parts.add(part);
      }
    }
    return String.join(": ", parts);
  }

  private URI manifestUri(ImageReference ref, String qualifier) {
    return URI.create(baseUrl(ref.registry()) + "/v2/" + ref.repository() + "/manifests/" + qualifier);
  }

  private static HttpRequest withAuthorization(HttpRequest.Builder request, String authorization) {
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.build();
  }

  /** Sends a request, answering one 401 challenge for {@code actions} (remembered per repository and actions). */
  private HttpResponse<InputStream> exchange(ImageReference ref, String actions, Function<String, HttpRequest> request) {
    String key = ref.registry() + "/" + ref.repository() + " " + actions;
    HttpResponse<InputStream> response = send(ref, request.apply(authorizationByRepository.get(key)));
    if (response.statusCode() == 401) {
      String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
      drain(response);
      String authorization = authorize(ref, challenge, actions);
      authorizationByRepository.put(key, authorization);
      response = send(ref, request.apply(authorization));
    }
    return response;
  }

  String baseUrl(String registry) {
    return (settings.allowsPlainHttp(registry) ? "http://" : "https://") + registry;
  }

  private HttpResponse<InputStream> send(ImageReference ref, HttpRequest request) {
    return Retry.call(settings.maxAttempts(), () -> http.send(request, HttpResponse.BodyHandlers.ofInputStream()), ref.toString());
  }

  /** Answers a 401 challenge: Basic with the stored credentials, or a Bearer token from the realm it names. */
  private String authorize(ImageReference ref, String challenge, String actions) {
    Optional<CredentialLookup.UserPassword> credential = credentials.find(ref.registry(), ref.repository());
    Optional<String> basic = credential.map(c -> "Basic " + Base64.getEncoder()
        .encodeToString((c.user() + ":" + c.password()).getBytes(StandardCharsets.UTF_8)));
    String scheme = challenge.split(" ", 2)[0].toLowerCase(java.util.Locale.ROOT);
    if (scheme.equals("basic")) {
      return basic.orElseThrow(() -> new RegistryException("401 Unauthorized from " + ref.registry() + " for " + ref
          + ": no credentials found for " + ref.registry() + " (log in with docker/podman login or add it to the auth file)"));
    }
    if (!scheme.equals("bearer")) {
      throw new RegistryException("401 Unauthorized from " + ref.registry() + " for " + ref + " with an unsupported challenge '"
          + challenge + "'");
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = CHALLENGE_PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
    }
    String realm = params.get("realm");
    URI realmUri;
    try {
      realmUri = realm == null ? null : URI.create(realm);
    } catch (IllegalArgumentException e) {
      realmUri = null;
    }
    if (realmUri == null || !("https".equals(realmUri.getScheme())
        || ("http".equals(realmUri.getScheme()) && realmUri.getHost() != null && settings.allowsPlainHttp(realmUri.getAuthority())))) {
      throw new RegistryException("registry " + ref.registry() + " names an unusable token realm '" + realm + "' for " + ref);
    }
    StringBuilder query = new StringBuilder();
    if (params.containsKey("service")) {
      query.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
    }
    query.append("scope=").append(URLEncoder.encode("repository:" + ref.repository() + ":" + actions, StandardCharsets.UTF_8));
    URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
    HttpRequest.Builder request = HttpRequest.newBuilder(tokenUri).timeout(Duration.ofMinutes(1)).GET().header("User-Agent", "sealbuild");
    basic.ifPresent(value -> request.header("Authorization", value));
    HttpResponse<InputStream> response = Retry.call(settings.maxAttempts(),
        () -> http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()), ref.toString());
    byte[] body = readBounded(ref, response, MAX_TOKEN_BYTES, false);
    if (response.statusCode() != 200) {
      throw new RegistryException("token request to " + realmUri.getHost() + " for " + ref + " failed with HTTP " + response.statusCode()
          + (credential.isEmpty() ? " (no credentials found for " + ref.registry() + ")" : " (check the credentials for " + ref.registry() + ")"));
    }
    try {
      JsonNode json = JSON.readTree(body);
      String token = json.path("token").asText(json.path("access_token").asText(""));
      if (token.isEmpty()) {
        throw new RegistryException("token response from " + realmUri.getHost() + " for " + ref + " has no token");
      }
      return "Bearer " + token;
    } catch (IOException e) {
      throw new RegistryException("token response from " + realmUri.getHost() + " for " + ref + " is not JSON", e);
    }
  }

  static String describeFailure(ImageReference ref, String qualifier, int status, String body) {
    String code = "";
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      if (errors.isArray() && errors.size() > 0) {
        code = " (" + errors.get(0).path("code").asText() + ": " + errors.get(0).path("message").asText() + ")";
      }
    } catch (IOException | RuntimeException e) {
      // Not a registry error document; the status says enough.
    }
    return "HTTP " + status + " for " + ref + ": " + explainStatus(ref, status, qualifier.startsWith("sha256:") ? "digest" : "tag") + code;
  }

  static String explainStatus(ImageReference ref, int status, String qualifierKind) {
    return switch (status) {
      case 401, 403 -> "access denied: check the credentials for " + ref.registry();
      case 404 -> "not found: check the repository and " + qualifierKind;
      case 429 -> "rate limited by the registry: retry later or log in";
      default -> status >= 500 ? "registry error: retry later" : "unexpected response";
    };
  }

  /** Reads at most {@code limit} bytes; more is an error (or silently cut when {@code strict} is false). */
  static byte[] readBounded(ImageReference ref, HttpResponse<InputStream> response, int limit, boolean strict) {
    try (InputStream in = response.body()) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        if (strict) {
          throw new RegistryException("response for " + ref + " from " + response.uri().getHost() + " exceeds " + limit + " bytes");
        }
        return java.util.Arrays.copyOf(bytes, limit);
      }
      return bytes;
    } catch (IOException e) {
      throw new RegistryException("reading the response for " + ref + " failed: " + e.getMessage(), e);
    }
  }

  private static void drain(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      in.readNBytes(64 * 1024);
    } catch (IOException e) {
      // The connection is discarded anyway.
    }
  }

  private static String bareMediaType(String contentType) {
    return contentType.split(";", 2)[0].trim();
  }
}
