package dev.sealbuild.prep.http;

import java.io.InputStream;
import java.net.URI;
import java.util.OptionalLong;

/**
 * A successful response's body, streamed. {@code finalUrl} is the URL after redirects;
 * {@code contentLength} is what the server announced, if anything (not trusted for verification).
 */
public record ResponseBody(InputStream stream, OptionalLong contentLength, URI finalUrl, String contentType) {}
