package dev.sealbuild.formats.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.HostileInputException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checklist items 18, 20, 21: what a whiteout name means and which ones are invalid. */
class WhiteoutTest {
  @Test
  void anOrdinaryNameIsNoWhiteout() {
    assertEquals(Optional.empty(), Whiteout.of("etc/passwd", true, 10));
    assertEquals(Optional.empty(), Whiteout.of("", false, 0));
  }

  @Test
  void aWhiteoutDeletesItsTargetAndEverythingBelowIt() {
    Whiteout w = Whiteout.of("etc/.wh.ssh", true, 0).orElseThrow();
    assertEquals(new Whiteout.Removal("etc/ssh"), w);
    assertTrue(w.hides("etc/ssh"));
    assertTrue(w.hides("etc/ssh/sshd_config"));
    assertFalse(w.hides("etc/sshd"));
    assertFalse(w.hides("etc"));
  }

  @Test
  void anOpaqueMarkerHidesWhatIsBelowItsDirectoryButNotTheDirectory() {
    Whiteout w = Whiteout.of("usr/lib/.wh..wh..opq", true, 0).orElseThrow();
    assertEquals(new Whiteout.Opaque("usr/lib"), w);
    assertTrue(w.hides("usr/lib/libc.so"));
    assertFalse(w.hides("usr/lib"));
    assertFalse(w.hides("usr/libexec/x"));
    Whiteout root = Whiteout.of(".wh..wh..opq", true, 0).orElseThrow();
    assertTrue(root.hides("etc"));
    assertFalse(root.hides(""));
  }

  @ParameterizedTest
  @ValueSource(strings = {".wh.", ".wh..", ".wh...", "d/.wh..wh.x", "d/.wh..wh..opq2"})
  void invalidWhiteoutNamesAreRefused(String path) {
    HostileInputException e = assertThrows(HostileInputException.class, () -> Whiteout.of(path, true, 0));
    assertTrue(e.getMessage().endsWith("is not a valid whiteout"), e.getMessage());
  }

  @Test
  void aWhiteoutNameBeforeTheLastComponentIsRefused() {
    HostileInputException e = assertThrows(HostileInputException.class, () -> Whiteout.of("a/.wh.b/c", true, 0));
    assertEquals("a whiteout name can only be the last part of a path", e.getMessage());
  }

  @Test
  void aWhiteoutMustBeAnEmptyRegularFile() {
    assertEquals("a whiteout must be an empty regular file",
        assertThrows(HostileInputException.class, () -> Whiteout.of(".wh.x", true, 9)).getMessage());
    assertThrows(HostileInputException.class, () -> Whiteout.of(".wh.x", false, 0));
    assertThrows(HostileInputException.class, () -> Whiteout.of(".wh..wh..opq", false, 0));
  }
}
