package dev.sealbuild.prep.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/1.1 server on 127.0.0.1 that announces the full Content-Length but closes the
 * connection halfway through the body for its first {@code drops} connections, then serves the
 * body whole. Each connection serves one request.
 */
public final class DroppingServer implements AutoCloseable {
  private final ServerSocket socket;
  private final byte[] body;
  private final int drops;
  private final AtomicInteger connections = new AtomicInteger();
  private final Thread acceptor;

  public DroppingServer(byte[] body, int drops) throws IOException {
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.body = body;
    this.drops = drops;
    this.acceptor = new Thread(this::acceptLoop, "dropping-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
  }

  public int connections() {
    return connections.get();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try (Socket client = socket.accept()) {
        int number = connections.incrementAndGet();
        readRequestHead(client.getInputStream());
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, number <= drops ? body.length / 2 : body.length);
        out.flush();
      } catch (IOException e) {
        // closed by close(), or the client went away: either way, next connection
      }
    }
  }

  private static void readRequestHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int read = 0; matched < 4 && read < 64 * 1024; read++) {
      int b = in.read();
      if (b < 0) {
        return;
      }
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
