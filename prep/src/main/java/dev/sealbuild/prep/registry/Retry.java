package dev.sealbuild.prep.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;

/** Repeats a request after I/O errors and transient statuses (429, 5xx), backing off a little each time. */
final class Retry {
  interface Call {
    HttpResponse<InputStream> send() throws IOException, InterruptedException;
  }

  private Retry() {}

  static HttpResponse<InputStream> call(int attempts, Call call, String what) {
    IOException lastError = null;
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<InputStream> response = call.send();
        int status = response.statusCode();
        if ((status == 429 || status >= 500) && attempt < attempts) {
          response.body().close();
          pause(attempt);
          continue;
        }
        return response;
      } catch (IOException e) {
        lastError = e;
        if (attempt >= attempts) {
          throw new RegistryException("cannot reach the registry for " + what + " after " + attempts + " attempts: "
              + (e.getMessage() != null ? e.getClass().getSimpleName() + ": " + e.getMessage() : e.toString()), lastError);
        }
        pause(attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException("interrupted while fetching " + what, e);
      }
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(250L << Math.min(attempt, 5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while waiting to retry");
    }
  }
}
