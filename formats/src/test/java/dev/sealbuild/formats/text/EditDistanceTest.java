package dev.sealbuild.formats.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EditDistanceTest {
  @Test
  void editDistanceCountsTranspositionsOnce() {
    assertEquals(1, EditDistance.within("crul", "curl", 3));
    assertEquals(1, EditDistance.between("crul", "curl"));
    assertEquals(2, EditDistance.within("python", "pyhtn", 3));
  }

  @Test
  void insertionsDeletionsAndSubstitutionsCountOneEach() {
    assertEquals(0, EditDistance.between("curl", "curl"));
    assertEquals(1, EditDistance.between("packages", "package"));
    assertEquals(1, EditDistance.between("bash", "bask"));
    assertEquals(3, EditDistance.between("", "abc"));
  }

  @Test
  void aDistanceAboveTheLimitIsTheLimitPlusOne() {
    assertEquals(4, EditDistance.within("abc", "xyzw", 3));
    assertEquals(2, EditDistance.within("abcdef", "uvwxyz", 1));
  }
}
