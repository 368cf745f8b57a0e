package dev.sealbuild.prep.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealbuild.prep.http.Response;
import dev.sealbuild.prep.http.Transport;
import dev.sealbuild.prep.http.TransportRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Speaks to a registry over the {@link Transport}: chooses https, or plain http for loopback and
 * {@code --insecure-registry} hosts, and answers a 401 challenge with Basic credentials or a Bearer token from the
 * realm it names (token requests go through the transport too). Authorizations are remembered per repository and
 * scope.
 */
final class RegistryHttp {
  static final String PULL = "pull";
  static final String PUSH = "pull,push";
  private static final int MAX_TOKEN_BYTES = 1024 * 1024;
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Transport transport;
  private final RegistrySettings settings;
  private final CredentialLookup credentials;
  private final Map<String, String> authorizations = new ConcurrentHashMap<>();

  RegistryHttp(Transport transport, RegistrySettings settings, CredentialLookup credentials) {
    this.transport = transport;
    this.settings = settings;
    this.credentials = credentials;
  }

  RegistrySettings settings() {
    return settings;
  }

  String baseUrl(String registry) {
    return (settings.allowsPlainHttp(registry) ? "http://" : "https://") + registry;
  }

  URI uri(ImageReference ref, String path) {
    return URI.create(baseUrl(ref.registry()) + "/v2/" + ref.repository() + path);
  }

  /**
   * Sends {@code request} (built for an authorization, or null), answering one 401 challenge for {@code actions} on
   * {@code ref}'s repository and, for a cross-repository mount, {@code pull} on {@code alsoPull}.
   */
  Response send(ImageReference ref, String actions, String alsoPull, Function<String, TransportRequest> request) {
    String key = ref.registry() + "/" + ref.repository() + " " + actions + (alsoPull == null ? "" : " " + alsoPull);
    Response response = transport.send(request.apply(authorizations.get(key)));
    if (response.status() == 401) {
      String challenge = response.header("WWW-Authenticate").orElse("");
      response.close();
      String authorization = authorize(ref, challenge, actions, alsoPull);
      authorizations.put(key, authorization);
      response = transport.send(request.apply(authorization));
    }
    return response;
  }

  /** Sends {@code request} as it is, without answering a challenge (a 401 is an answer too). */
  Response sendWithoutAuthorization(TransportRequest request) {
    return transport.send(request);
  }

  static TransportRequest withAuthorization(TransportRequest request, String authorization) {
    return authorization == null ? request : request.header("Authorization", authorization);
  }

  Optional<CredentialLookup.UserPassword> credential(ImageReference ref) {
    return credentials.find(ref.registry(), ref.repository());
  }

  /** Answers a 401 challenge: Basic with the stored credentials, or a Bearer token from the realm it names. */
  private String authorize(ImageReference ref, String challenge, String actions, String alsoPull) {
    Optional<CredentialLookup.UserPassword> credential = credential(ref);
    Optional<String> basic = credential.map(c -> "Basic " + Base64.getEncoder()
        .encodeToString((c.user() + ":" + c.password()).getBytes(StandardCharsets.UTF_8)));
    String scheme = challenge.split(" ", 2)[0].toLowerCase(Locale.ROOT);
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
      params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
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
    if (alsoPull != null) {
      query.append("&scope=").append(URLEncoder.encode("repository:" + alsoPull + ":" + PULL, StandardCharsets.UTF_8));
    }
    URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
    TransportRequest request = withAuthorization(TransportRequest.get("a token for " + ref, tokenUri),
        basic.orElse(null));
    byte[] body;
    try (Response response = transport.send(request)) {
      if (response.status() != 200) {
        throw new RegistryException("token request to " + realmUri.getHost() + " for " + ref + " failed with HTTP "
            + response.status() + (credential.isEmpty() ? " (no credentials found for " + ref.registry() + ")"
            : " (check the credentials for " + ref.registry() + ")"));
      }
      body = response.readAtMost(MAX_TOKEN_BYTES);
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

  /** The registry's first error ({@code (CODE: message)}) from an error document, or empty. */
  static String errorCode(byte[] body) {
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      if (errors.isArray() && errors.size() > 0) {
        return " (" + errors.get(0).path("code").asText() + ": " + errors.get(0).path("message").asText() + ")";
      }
    } catch (IOException | RuntimeException e) {
      // Not a registry error document; the status says enough.
    }
    return "";
  }

  static String describeFailure(ImageReference ref, String qualifier, int status, byte[] body) {
    return "HTTP " + status + " for " + ref + ": " + explainStatus(ref, status, qualifier.startsWith("sha256:") ? "digest" : "tag")
        + errorCode(body);
  }

  static String explainStatus(ImageReference ref, int status, String qualifierKind) {
    return switch (status) {
      case 401, 403 -> "access denied: check the credentials for " + ref.registry();
      case 404 -> "not found: check the repository and " + qualifierKind;
      case 429 -> "rate limited by the registry: retry later or log in";
      default -> status >= 500 ? "registry error: retry later" : "unexpected response";
    };
  }
}
