package dev.sealbuild.builder.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** update-alternatives --install in a postinst, as gcc's and g++'s (bookworm) write it, made as dpkg would. */
class AlternativesTest {
  /** gcc 4:12.2.0-3's postinst, as shipped: a commented-out slave after a continuation, and a conditional cleanup. */
  static final String GCC_POSTINST = """
      #! /bin/sh

      set -e

      update-alternatives --quiet \\
          --install /usr/bin/cc cc /usr/bin/gcc 20 \\
          #--slave /usr/share/man/man1/cc.1.gz cc.1.gz /usr/share/man/man1/gcc.1.gz

      update-alternatives --quiet \\
          --install /usr/bin/c89 c89 /usr/bin/c89-gcc 20 \\
          --slave /usr/share/man/man1/c89.1.gz c89.1.gz /usr/share/man/man1/c89-gcc.1.gz

      # remove f77 alternative left over from an old egcs version ...
      if [ -h /etc/alternatives/f77 -a ! -e /etc/alternatives/f77 ]; then
          rm -f /etc/alternatives/f77
      fi

      exit 0
      """;

  @Test
  void readsTheInstallCommandsOfARealPostinst() {
    List<Alternatives.Choice> choices = Alternatives.parse(GCC_POSTINST);
    assertEquals(2, choices.size(), choices.toString());
    assertEquals(new Alternatives.Choice("/usr/bin/cc", "cc", "/usr/bin/gcc", 20, List.of()), choices.get(0));
    assertEquals(List.of(new Alternatives.Slave("/usr/share/man/man1/c89.1.gz", "c89.1.gz",
        "/usr/share/man/man1/c89-gcc.1.gz")), choices.get(1).slaves());
  }

  @Test
  void leavesAloneWhatIsComputedOrNotAnInstall() {
    assertEquals(List.of(), Alternatives.parse("update-alternatives --install /usr/bin/$NAME x /usr/bin/y 10\n"));
    assertEquals(List.of(), Alternatives.parse("update-alternatives --remove cc /usr/bin/gcc\n"));
    assertEquals(List.of(), Alternatives.parse("update-alternatives --install /usr/bin/../etc/x x /usr/bin/y 10\n"));
    assertEquals(1, Alternatives.parse("update-alternatives --install /usr/bin/x x /usr/bin/y 10 || true\n").size());
  }

  @Test
  void makesTheLinksOfTheHighestPriorityChoiceWhosePathExistsAndDpkgsRecord() throws Exception {
    ImageTree tree = new ImageTree("test", 0, 1000);
    Meta dir = new Meta(0755, 0, 0, 0);
    tree.addMissingDirectories(EntryPath.parse("usr/bin"), dir);
    tree.addFile(EntryPath.parse("usr/bin/gcc"), new Meta(0755, 0, 0, 0), text("elf"));
    tree.addFile(EntryPath.parse("usr/bin/clang"), new Meta(0755, 0, 0, 0), text("elf"));
    List<Alternatives.Choice> choices = List.of(
        new Alternatives.Choice("/usr/bin/cc", "cc", "/usr/bin/gcc", 20, List.of()),
        new Alternatives.Choice("/usr/bin/cc", "cc", "/usr/bin/clang", 10, List.of()),
        new Alternatives.Choice("/usr/bin/cc", "cc", "/usr/bin/tcc", 50, List.of()));
    Map<EntryPath, String> written = new HashMap<>();
    Alternatives.apply(choices, tree, 0, true, written::put);
    assertEquals("/etc/alternatives/cc", link(tree, "usr/bin/cc"));
    assertEquals("/usr/bin/gcc", link(tree, "etc/alternatives/cc"), "tcc is missing; gcc outranks clang");
    assertEquals("auto\n/usr/bin/cc\n\n/usr/bin/clang\n10\n/usr/bin/gcc\n20\n\n",
        written.get(EntryPath.parse("var/lib/dpkg/alternatives/cc")));
  }

  @Test
  void aLinkTheBaseAlreadyHasIsKept() throws Exception {
    ImageTree tree = new ImageTree("test", 0, 1000);
    tree.addMissingDirectories(EntryPath.parse("usr/bin"), new Meta(0755, 0, 0, 0));
    tree.addFile(EntryPath.parse("usr/bin/gcc"), new Meta(0755, 0, 0, 0), text("elf"));
    tree.addSymlink(EntryPath.parse("usr/bin/cc"), new Meta(0777, 0, 0, 0), "/usr/bin/other");
    Map<EntryPath, String> written = new HashMap<>();
    Alternatives.apply(List.of(new Alternatives.Choice("/usr/bin/cc", "cc", "/usr/bin/gcc", 20, List.of())), tree, 0,
        false, written::put);
    assertEquals("/usr/bin/other", link(tree, "usr/bin/cc"));
    assertNull(tree.lookup(EntryPath.parse("etc/alternatives/cc")));
    assertEquals(Map.of(), written);
  }

  private static String link(ImageTree tree, String path) {
    return assertInstanceOf(Node.Symlink.class, tree.lookup(EntryPath.parse(path))).target();
  }

  private static dev.sealbuild.builder.fs.Content text(String s) {
    byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return new dev.sealbuild.builder.fs.Content() {
      @Override
      public long size() {
        return bytes.length;
      }

      @Override
      public InputStream open() {
        return new ByteArrayInputStream(bytes);
      }

      @Override
      public String origin() {
        return "test";
      }
    };
  }
}
