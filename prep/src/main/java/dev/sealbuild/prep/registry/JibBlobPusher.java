package dev.sealbuild.prep.registry;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.blob.Blob;
import com.google.cloud.tools.jib.blob.BlobDescriptor;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.registry.RegistryClient;
import dev.sealbuild.formats.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pushes blobs with Jib's RegistryClient: existence check (HEAD), then a cross-repository mount when a source
 * repository is named, else an upload (POST, PATCH, PUT with the digest, which the registry checks). One client per
 * target and mount source, because the Bearer token's scope names both.
 */
final class JibBlobPusher {
  private final RegistrySettings settings;
  private final CredentialLookup credentials;
  private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();
  private final Map<Boolean, FailoverHttpClient> httpClients = new ConcurrentHashMap<>();

  JibBlobPusher(RegistrySettings settings, CredentialLookup credentials) {
    this.settings = settings;
    this.credentials = credentials;
  }

  /**
   * Makes {@code blob} present in {@code target}'s repository. {@code content} is read through a size and digest
   * check, so a blob that changed since it was verified fails the upload instead of being committed.
   *
   * @param mountFrom another repository of the same registry to mount the blob from, or null
   */
  BlobPush push(ImageReference target, Descriptor blob, BlobSource content, String mountFrom) {
    DescriptorDigest digest = jibDigest(blob.digest());
    String what = "blob " + blob.digest() + " to " + target;
    for (int attempt = 1; ; attempt++) {
      try {
        RegistryClient client = client(target, mountFrom);
        if (client.checkBlob(digest).isPresent()) {
          return BlobPush.EXISTED;
        }
        boolean skipped = client.pushBlob(digest, verified(blob, digest, content, what), mountFrom, written -> {});
        if (skipped) {
          return mountFrom != null ? BlobPush.MOUNTED : BlobPush.EXISTED;
        }
        return BlobPush.UPLOADED;
      } catch (IOException | com.google.cloud.tools.jib.api.RegistryException | RuntimeException e) {
        RegistryException ours = JibBlobFetcher.ownRefusal(e);
        if (ours != null) {
          throw ours;
        }
        Integer status = JibBlobFetcher.httpStatus(e);
        boolean transientFailure = (status == null && e instanceof IOException)
            || (status != null && (status == 429 || status >= 500));
        if (transientFailure && attempt < settings.maxAttempts()) {
          pause(attempt);
          continue;
        }
        String reason = status != null
            ? "HTTP " + status + ": " + ManifestClient.explainStatus(target, status, "tag") + credentialHint(target, status)
            : JibBlobFetcher.describe(e) + RegistryPusher.transportHint(settings, target.registry());
        throw new RegistryException("pushing " + what + " failed" + (attempt > 1 ? " after " + attempt + " attempts" : "")
            + ": " + reason, e);
      }
    }
  }

  private String credentialHint(ImageReference target, int status) {
    if (status != 401 && status != 403) {
      return "";
    }
    return credentials.find(target.registry(), target.repository()).isPresent()
        ? " (the credentials found were refused or lack push access)"
        : " (no credentials found for " + target.registry() + ": log in with docker/podman login or add it to the auth file)";
  }

  private static Blob verified(Descriptor blob, DescriptorDigest digest, BlobSource content, String what) {
    return new Blob() {
      @Override
      public BlobDescriptor writeTo(OutputStream out) throws IOException {
        VerifyingOutputStream verifying = new VerifyingOutputStream(out, blob.digest(), blob.size(), what);
        try (InputStream in = content.open()) {
          in.transferTo(verifying);
        }
        try {
          verifying.verify();
        } catch (RegistryException e) {
          throw new IOException(e); // an IOException aborts the upload before the committing PUT
        }
        return new BlobDescriptor(blob.size(), digest);
      }

      @Override
      public boolean isRetryable() {
        // false stops the HTTP client from re-sending a failed upload for a minute on its own (and re-reading a
        // blob that failed its check); push() retries the whole upload instead.
        return false;
      }
    };
  }

  private static DescriptorDigest jibDigest(Sha256 digest) {
    try {
      return DescriptorDigest.fromDigest(digest.toString());
    } catch (DigestException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(250L << Math.min(attempt, 5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while waiting to retry a blob push");
    }
  }

  private RegistryClient client(ImageReference target, String mountFrom)
      throws IOException, com.google.cloud.tools.jib.api.RegistryException {
    String key = target.registry() + "/" + target.repository() + (mountFrom == null ? "" : " from " + mountFrom);
    RegistryClient existing = clients.get(key);
    if (existing != null) {
      return existing;
    }
    boolean plainHttp = settings.allowsPlainHttp(target.registry());
    FailoverHttpClient http = httpClients.computeIfAbsent(plainHttp,
        insecure -> insecure ? new PlainHttpClient(settings) : new FailoverHttpClient(false, false, event -> {}));
    RegistryClient.Factory factory = mountFrom == null
        ? RegistryClient.factory(EventHandlers.NONE, target.registry(), target.repository(), http)
        : RegistryClient.factory(EventHandlers.NONE, target.registry(), target.repository(), mountFrom, http);
    factory.setUserAgent("sealbuild");
    Optional<CredentialLookup.UserPassword> credential = credentials.find(target.registry(), target.repository());
    credential.ifPresent(found -> factory.setCredential(Credential.from(found.user(), found.password())));
    RegistryClient client = factory.newRegistryClient();
    // Asks GET /v2/ how to authenticate: a Bearer token for pull,push (plus pull on mountFrom), else Basic.
    if (!client.doPushBearerAuth() && credential.isPresent()) {
      client.configureBasicAuth();
    }
    clients.put(key, client);
    return client;
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
