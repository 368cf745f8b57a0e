package dev.sealbuild.builder.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Layers list entries as {@code tar --sort=name} does in the C locale: by the UTF-8 bytes of their names. */
class EntryPathOrderTest {
  private static final List<String> NAMES = List.of("", "a", "a/b", "a-b", "a.b", "a0", "ab", "A", "z", "é", "e\u0301",
      "\u00ff", "\u0100", "\u4e2d", "\uff01", "\ue000", "\ud83d\ude00", "\ud83d\ude00/x", "\ud800\udc00", "a/\uff01",
      "a/\ud83d\ude00", "usr/lib", "usr/lib/x", "usr/lib64", "usr/lib-x");

  @Test
  void orderIsTheOrderOfUtf8Bytes() {
    for (String a : NAMES) {
      for (String b : NAMES) {
        int expected = Integer.signum(Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, Integer.signum(new EntryPath(a).compareTo(new EntryPath(b))), "'" + a + "' vs '" + b + "'");
      }
    }
  }

  @Test
  void sortingAgreesWithTar() {
    List<EntryPath> sorted = new ArrayList<>();
    for (String n : List.of("\uff01", "\ud83d\ude00", "a/b", "a-b", "a")) {
      sorted.add(new EntryPath(n));
    }
    sorted.sort(null);
    // '-' (0x2d) < '/' (0x2f); U+FF01 (EF BC 81) < U+1F600 (F0 9F 98 80), unlike UTF-16 order.
    assertEquals(List.of("a", "a-b", "a/b", "\uff01", "\ud83d\ude00"), sorted.stream().map(EntryPath::value).toList());
  }
}
