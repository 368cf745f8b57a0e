package dev.sealbuild.lockfiles.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.lockfiles.lock.SpecDigest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileMirrorsSpecTest {
  private final SpecReader reader = new SpecReader(Map.of());

  private static final String WITHOUT = """
      name: app
      files:
        - url: https://example.org/tool.tar.gz
          dest: /opt/tool
      """;

  @Test
  void mirrorsAreReadInOrderAndLeaveTheSpecDigestAndSoTheLockAlone() {
    BuildSpec with = reader.parse("build.yaml", WITHOUT + """
            mirrors:
              - https://mirror-1.example.org/tool.tar.gz
              - http://mirror-2.example.org/tool.tar.gz
        """);
    assertEquals(List.of(URI.create("https://mirror-1.example.org/tool.tar.gz"), URI.create("http://mirror-2.example.org/tool.tar.gz")),
        with.files().get(0).mirrors());
    BuildSpec without = reader.parse("build.yaml", WITHOUT);
    assertEquals(List.of(), without.files().get(0).mirrors());
    assertEquals(SpecDigest.of(without), SpecDigest.of(with));
  }

  @Test
  void aMirrorThatIsNoHttpUrlIsAOneLineError() {
    SpecException e = assertThrows(SpecException.class, () -> reader.parse("build.yaml", WITHOUT + """
            mirrors: [ftp://old.example.org/tool.tar.gz]
        """));
    assertTrue(e.getMessage().contains("mirror 'ftp://old.example.org/tool.tar.gz'") && !e.getMessage().contains("\n"), e.getMessage());
  }
}
