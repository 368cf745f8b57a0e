package dev.sealbuild.testsupport.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A forward proxy on 127.0.0.1 for tests: plain HTTP requests in absolute form ({@code GET http://host:port/path})
 * are forwarded one per connection, {@code CONNECT host:port} opens a tunnel. Every request line it forwards is
 * recorded, so a test can prove that a command sent everything through it.
 */
public final class ForwardProxy implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "forward-proxy");
    thread.setDaemon(true);
    return thread;
  });
  private final List<String> requests = new CopyOnWriteArrayList<>();

  public ForwardProxy() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  /** The value for HTTP_PROXY or HTTPS_PROXY. */
  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Every request line forwarded so far, e.g. {@code GET http://127.0.0.1:4000/x} or {@code CONNECT host:443}. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      List<String> head = readHead(in);
      if (head.isEmpty()) {
        return;
      }
      String[] requestLine = head.get(0).split(" ");
      if (requestLine.length != 3) {
        out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return;
      }
      if (requestLine[0].equals("CONNECT")) {
        tunnel(client, requestLine[1]);
      } else {
        forward(in, out, head, requestLine);
      }
    } catch (IOException e) {
      // the client or the origin went away; the test sees what the client saw
    }
  }

  private void tunnel(Socket client, String authority) throws IOException {
    int colon = authority.lastIndexOf(':');
    Socket origin;
    try {
      origin = new Socket(authority.substring(0, colon), Integer.parseInt(authority.substring(colon + 1)));
    } catch (IOException | RuntimeException e) {
      client.getOutputStream().write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      return;
    }
    requests.add("CONNECT " + authority);
    try (origin) {
      client.getOutputStream().write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      threads.execute(() -> pipe(client, origin));
      pipe(origin, client);
    }
  }

  private void forward(InputStream in, OutputStream out, List<String> head, String[] requestLine) throws IOException {
    URI target = URI.create(requestLine[1]);
    if (target.getHost() == null) {
      out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      return;
    }
    requests.add(requestLine[0] + " " + requestLine[1]);
    int port = target.getPort() == -1 ? 80 : target.getPort();
    String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
    long contentLength = 0;
    StringBuilder request = new StringBuilder(requestLine[0]).append(' ').append(path).append(" HTTP/1.1\r\n");
    for (String header : head.subList(1, head.size())) {
      String name = header.substring(0, Math.max(0, header.indexOf(':'))).strip().toLowerCase(Locale.ROOT);
      if (name.equals("connection") || name.equals("proxy-connection") || name.equals("keep-alive")) {
        continue;
      }
      if (name.equals("content-length")) {
        contentLength = Long.parseLong(header.substring(header.indexOf(':') + 1).strip());
      }
      request.append(header).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    try (Socket origin = new Socket(target.getHost(), port)) {
      OutputStream toOrigin = origin.getOutputStream();
      toOrigin.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      copy(in, toOrigin, contentLength);
      toOrigin.flush();
      origin.getInputStream().transferTo(out);
      out.flush();
    } catch (IOException e) {
      out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void copy(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buffer = new byte[8192];
    long left = length;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        return;
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  private static void pipe(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      // one side closed
    }
  }

  /** The request line and headers, up to the empty line. */
  private static List<String> readHead(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n' && previous == '\r') {
        byte[] bytes = line.toByteArray();
        String text = new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
        if (text.isEmpty()) {
          return lines;
        }
        lines.add(text);
        line.reset();
      } else {
        line.write(b);
      }
      previous = b;
    }
    return lines;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    threads.shutdownNow();
  }
}
