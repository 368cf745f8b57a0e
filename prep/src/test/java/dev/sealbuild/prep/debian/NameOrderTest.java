package dev.sealbuild.prep.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sealbuild.testsupport.deb.SyntheticRepository;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** apt's creation order of names: first appearance, each package's name before the names its fields mention. */
class NameOrderTest {

  private static List<DebianPackage> parse(String... stanzas) throws Exception {
    return new PackagesIndex("amd64").parse(new ByteArrayInputStream(
        String.join("\n", stanzas).getBytes(StandardCharsets.UTF_8)), "test-index");
  }

  @Test
  void namesComeInFirstAppearanceWhetherAFieldRepeatsByIdentityOrOnlyByValue() throws Exception {
    List<DebianPackage> first = parse(
        SyntheticRepository.pkg("p1", "1", "Depends: b, c\n"),
        SyntheticRepository.pkg("p2", "1", "Depends: b, c\nBreaks: g (<< 1)\n"),
        SyntheticRepository.pkg("p3", "1", "Depends: d | c, e:any\nProvides: f\n"));
    // a second index parsed on its own: its equal fields are other String objects
    List<DebianPackage> second = parse(
        SyntheticRepository.pkg("p4", "1", "Depends: b, c\n"),
        SyntheticRepository.pkg("p5", "1", "Pre-Depends: h\nDepends: d | c, e:any\n"));
    List<DebianPackage> all = new ArrayList<>(first);
    all.addAll(second);
    assertEquals(List.of("p1", "b", "c", "p2", "g", "p3", "d", "f", "p4", "p5", "h"), NameOrder.of(all).names());
    assertEquals(NameOrder.of(all), NameOrder.concat(List.of(NameOrder.of(first), NameOrder.of(second))));
  }
}
