package dev.sealbuild.prep.http;

import java.io.IOException;

/**
 * Consumes a response body. May be called once per attempt: an {@link IOException} (reading the
 * body failed) makes {@link Transport} retry if attempts remain, so the consumer must leave no
 * trace of a failed attempt. Any unchecked exception ends the fetch at once and is passed through.
 */
@FunctionalInterface
public interface BodyConsumer<T> {
  T consume(ResponseBody body) throws IOException;
}
