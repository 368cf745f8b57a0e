package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.oci.Descriptor;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.io.ObservingInputStream;
import dev.sealbuild.prep.http.Response;
import dev.sealbuild.prep.http.TransportException;
import dev.sealbuild.prep.http.TransportRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Pulls and pushes blobs over the transport (so proxies, timeouts, the deadline and retries are the transport's):
 * pulls follow the registry's redirect to blob storage without passing the Authorization header on; pushes check
 * whether the blob is there (HEAD), try a cross-repository mount when a source repository is named, and otherwise
 * upload it in one PUT with its digest, which the registry checks.
 */
final class BlobClient {
  private static final int MAX_ERROR_BYTES = 16 * 1024;

  private final RegistryHttp http;
  private final int maxAttempts;

  BlobClient(RegistryHttp http, int maxAttempts) {
    this.http = http;
    this.maxAttempts = maxAttempts;
  }

  /**
   * Writes the blob to {@code out} (a {@link VerifyingOutputStream} does the size and digest checks). A body that
   * breaks off before its first byte reached {@code out} is fetched again; one that breaks off later fails.
   */
  void fetch(ImageReference repository, Sha256 digest, VerifyingOutputStream out) {
    String what = "blob " + digest + " of " + repository.registry() + "/" + repository.repository();
    URI uri = http.uri(repository, "/blobs/" + digest);
    for (int attempt = 1; ; attempt++) {
      boolean streaming = false;
      try (Response response = send(repository, uri, what)) {
        if (response.status() != 200) {
          throw new RegistryException("fetching " + what + " failed: HTTP " + response.status() + ": "
              + RegistryHttp.explainStatus(repository, response.status(), "digest")
              + RegistryHttp.errorCode(response.readPrefix(MAX_ERROR_BYTES)));
        }
        streaming = true;
        try {
          response.body().transferTo(out);
        } catch (IOException e) {
          RegistryException ours = ownRefusal(e);
          throw ours != null ? ours : new RegistryException("writing " + what + " failed: " + e.getMessage(), e);
        }
        return;
      } catch (TransportException e) {
        if (out.written() > 0) {
          throw new RegistryException(e.getMessage() + " (the connection broke off midway through " + what + ")", e);
        }
        if (!streaming || attempt >= maxAttempts || e.failure() != TransportException.Failure.NETWORK) {
          throw e;
        }
      }
    }
  }

  private Response send(ImageReference repository, URI uri, String what) {
    try {
      return http.send(repository, RegistryHttp.PULL, null, authorization ->
          RegistryHttp.withAuthorization(TransportRequest.get("image " + repository, uri), authorization));
    } catch (RegistryException e) {
      throw new RegistryException("fetching " + what + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Makes {@code blob} present in {@code target}'s repository. {@code content} is read through a size and digest
   * check, so a blob that changed since it was verified fails the upload instead of being committed.
   *
   * @param mountFrom another repository of the same registry to mount the blob from, or null
   */
  BlobPush push(ImageReference target, Descriptor blob, BlobSource content, String mountFrom) {
    String what = "blob " + blob.digest() + " to " + target;
    String subject = "image " + target;
    try {
      URI blobUri = http.uri(target, "/blobs/" + blob.digest());
      try (Response head = http.send(target, RegistryHttp.PUSH, mountFrom, authorization -> RegistryHttp.withAuthorization(
          TransportRequest.get(subject, blobUri).withMethod("HEAD", null), authorization))) {
        if (head.status() == 200) {
          return BlobPush.EXISTED;
        }
        if (head.status() != 404) {
          throw refused(target, what, head);
        }
      }
      URI start = http.uri(target, "/blobs/uploads/" + (mountFrom == null ? ""
          : "?mount=" + blob.digest() + "&from=" + encode(mountFrom)));
      URI location;
      try (Response started = http.send(target, RegistryHttp.PUSH, mountFrom, authorization -> RegistryHttp.withAuthorization(
          TransportRequest.get(subject, start).withMethod("POST", TransportRequest.Body.of(new byte[0])).notIdempotent(),
          authorization))) {
        if (started.status() == 201 && mountFrom != null) {
          return BlobPush.MOUNTED;
        }
        if (started.status() != 202 || started.header("Location").isEmpty()) {
          throw refused(target, what, started);
        }
        location = start.resolve(started.header("Location").get());
      }
      URI commit = URI.create(location + (location.getRawQuery() == null ? "?" : "&") + "digest="
          + blob.digest());
      TransportRequest.Body body = new TransportRequest.Body(blob.size(),
          () -> new VerifyingInput(content.open(), blob, what));
      try (Response done = http.send(target, RegistryHttp.PUSH, mountFrom, authorization -> RegistryHttp.withAuthorization(
          TransportRequest.get(subject, commit).withMethod("PUT", body).notIdempotent()
              .header("Content-Type", "application/octet-stream"), authorization))) {
        if (done.status() != 201) {
          throw refused(target, what, done);
        }
      }
      return BlobPush.UPLOADED;
    } catch (TransportException e) {
      RegistryException ours = ownRefusal(e);
      if (ours != null) {
        throw ours;
      }
      throw new RegistryException("pushing " + what + " failed: " + e.getMessage()
          + RegistryPusher.transportHint(http.settings(), target.registry()), e);
    }
  }

  private RegistryException refused(ImageReference target, String what, Response response) {
    int status = response.status();
    String hint = "";
    if (status == 401 || status == 403) {
      hint = http.credential(target).isPresent()
          ? " (the credentials found were refused or lack push access)"
          : " (no credentials found for " + target.registry() + ": log in with docker/podman login or add it to the auth file)";
    }
    return new RegistryException("pushing " + what + " failed: HTTP " + status + ": "
        + RegistryHttp.explainStatus(target, status, "tag") + RegistryHttp.errorCode(response.readPrefix(MAX_ERROR_BYTES))
        + hint);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  static RegistryException ownRefusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RegistryException ours) {
        return ours;
      }
    }
    return null;
  }

  /**
   * Checks the bytes being uploaded against the descriptor (through a {@link VerifyingOutputStream} beside the
   * upload); a mismatch aborts the upload before it commits.
   */
  private static final class VerifyingInput extends ObservingInputStream {
    private final VerifyingOutputStream check;
    private boolean checked;

    VerifyingInput(InputStream in, Descriptor blob, String what) {
      super(in);
      this.check = new VerifyingOutputStream(OutputStream.nullOutputStream(), blob.digest(), blob.size(), what);
    }

    @Override
    protected void observe(byte[] buf, int off, int len) throws IOException {
      check.write(buf, off, len);
    }

    @Override
    protected void atEnd() throws IOException {
      if (!checked) {
        checked = true;
        try {
          check.verify();
        } catch (RegistryException e) {
          throw new IOException(e);
        }
      }
    }
  }
}
