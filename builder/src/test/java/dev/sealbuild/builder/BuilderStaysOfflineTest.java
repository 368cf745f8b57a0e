package dev.sealbuild.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The image phase must not be able to reach the network: builder may depend on neither prep nor any HTTP
 * or registry client, and its own classes may not open sockets or URLs. (The enforcer plugin checks the
 * declared dependencies; this checks the compiled code and the classpath.)
 */
class BuilderStaysOfflineTest {
  private static final List<String> FORBIDDEN_REFERENCES = List.of(
      "java/net/http/", "java/net/Socket", "java/net/ServerSocket", "java/net/URLConnection",
      "java/net/HttpURLConnection", "java/net/DatagramSocket", "java/nio/channels/SocketChannel",
      "dev/sealbuild/prep/", "com/google/cloud/tools/jib/");

  @Test
  void prepAndNetworkClientsAreNotOnTheClasspath() {
    for (String name : List.of("dev.sealbuild.prep.lock.Locker", "com.google.cloud.tools.jib.api.Jib",
        "org.apache.http.client.HttpClient", "okhttp3.OkHttpClient")) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(name), name + " must not be reachable from builder");
    }
  }

  @Test
  void builderClassesReferenceNoNetworkApi() throws Exception {
    Path classes = Path.of(BuilderStaysOfflineTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolveSibling("classes");
    List<String> offenders = new ArrayList<>();
    int scanned = 0;
    try (Stream<Path> walk = Files.walk(classes)) {
      for (Path file : walk.filter(p -> p.toString().endsWith(".class")).toList()) {
        scanned++;
        // Class names in the constant pool are plain (modified) UTF-8, so a byte search finds them.
        String pool = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        for (String ref : FORBIDDEN_REFERENCES) {
          if (pool.contains(ref)) {
            offenders.add(classes.relativize(file) + " uses " + ref);
          }
        }
      }
    }
    assertTrue(scanned > 10, "scanned builder's classes in " + classes);
    assertEquals(List.of(), offenders);
  }
}
