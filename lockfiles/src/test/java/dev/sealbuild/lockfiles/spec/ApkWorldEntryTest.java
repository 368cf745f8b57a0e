package dev.sealbuild.lockfiles.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApkWorldEntryTest {
  @Test
  void parsesEachFormOfApkWorldSyntax() {
    assertEquals(new ApkWorldEntry(false, "curl", Optional.empty(), Optional.empty(), Optional.empty()),
        ApkWorldEntry.parse("curl"));
    assertEquals(new ApkWorldEntry(false, "busybox", Optional.empty(), Optional.of("="), Optional.of("1.36.1-r29")),
        ApkWorldEntry.parse("busybox=1.36.1-r29"));
    assertEquals(new ApkWorldEntry(true, "doc-pkg", Optional.empty(), Optional.empty(), Optional.empty()),
        ApkWorldEntry.parse("!doc-pkg"));
    assertEquals(new ApkWorldEntry(false, "foo", Optional.of("edge"), Optional.of(">="), Optional.of("2")),
        ApkWorldEntry.parse("foo@edge>=2"));
    assertEquals(new ApkWorldEntry(false, "openssl", Optional.empty(), Optional.of("~"), Optional.of("3.1")),
        ApkWorldEntry.parse("openssl~3.1"));
    assertEquals("/bin/sh", ApkWorldEntry.parse("/bin/sh").name());
    assertEquals("cmd:[", ApkWorldEntry.parse("cmd:[").name());
    assertEquals("so:libstdc++.so.6", ApkWorldEntry.parse("so:libstdc++.so.6").name());
  }

  @Test
  void givesEachEntryBackExactlyAsWritten() {
    for (String written : List.of("curl", "curl=8.5.0-r0", "curl<8", "curl<=8", "curl>8", "curl>=8", "curl~8.5", "curl<~8",
        "curl>~8", "!curl", "!curl<8", "curl@edge", "curl@edge=8.5.0-r0", "so:libz.so.1", "pc:zlib>=1.3", "/bin/sh",
        "busybox~1.35_rc", "tzdata=2024a-r0", "py3-foo=1.0_p20240101-r3")) {
      assertEquals(written, ApkWorldEntry.parse(written).toString());
    }
  }

  @Test
  void refusesWhatApkWouldNotReadInOneLineNamingTheEntry() {
    for (String bad : List.of("", "!", "@edge", "curl@", "curl@ed ge", "curl=", "curl=>8", "curl==8", "curl><Q1abc", "curl>=8.x",
        "curl>=v8", "cu rl", "curl!", "-curl", "curl\nbar", "curl@edge@x")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApkWorldEntry.parse(bad), bad);
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
      assertTrue(e.getMessage().startsWith(bad.isEmpty() ? "an empty package entry" : "package '"), e.getMessage());
    }
  }
}
