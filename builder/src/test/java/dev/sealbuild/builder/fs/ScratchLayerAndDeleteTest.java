package dev.sealbuild.builder.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.HostileInputException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scratch layers (a build step's temporary inputs) vanish whole; deletions whiteout only what a lower layer holds. */
class ScratchLayerAndDeleteTest {
  private static final Meta META = new Meta(0644, 0, 0, 1);
  private static final Meta DIR = new Meta(0755, 0, 0, 1);

  private static Content bytes(String text) {
    return new Content() {
      @Override
      public long size() {
        return text.length();
      }

      @Override
      public InputStream open() {
        return new ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }

      @Override
      public String origin() {
        return "test";
      }
    };
  }

  private static EntryPath p(String s) {
    return EntryPath.parse(s);
  }

  @Test
  void aScratchLayerAndEverythingWrittenIntoItGoAway() {
    ImageTree tree = new ImageTree("base", 1, 3);
    tree.addFile(p("etc/motd"), META, bytes("hi"));
    LayerTree current = tree.currentLayer();
    tree.startScratchLayer("temporaries");
    List<EntryPath> written = new ArrayList<>();
    ImageTree.WriteListener listener = (resolved, node, replaced) -> written.add(resolved);
    tree.listen(listener);
    tree.addFile(p("etc/motd"), META, bytes("temporary"));
    tree.stopListening(listener);
    assertEquals(List.of(p("etc/motd")), written);
    assertEquals(2, tree.layers().size());
    tree.dropScratchLayer();
    assertEquals(List.of(current), tree.layers());
    assertEquals(2, ((Node.RegularFile) tree.lookup(p("etc/motd"))).content().size());
    // The entry count was put back: the limit of 3 still leaves room for one more path.
    tree.addFile(p("srv"), META, bytes("x"));
    assertThrows(HostileInputException.class, () -> tree.addFile(p("var"), META, bytes("x")));
    assertThrows(IllegalStateException.class, tree::dropScratchLayer);
  }

  @Test
  void deletingWhiteoutsOnlyWhatALowerLayerHolds() {
    ImageTree tree = new ImageTree("base", 1, 100);
    tree.addDirectory(p("opt/app"), DIR);
    tree.addFile(p("opt/app/lib.so"), META, bytes("lib"));
    tree.addFile(p("etc/motd"), META, bytes("hi"));
    tree.startLayer("step");
    tree.addFile(p("srv/new"), META, bytes("new"));
    tree.delete(p("srv/new"));
    tree.delete(p("etc/motd"));
    tree.delete(p("opt"));
    assertEquals(Set.of(p("etc/motd"), p("opt")), tree.currentLayer().whiteouts());
    assertNull(tree.lookup(p("opt/app/lib.so")));
    assertNull(tree.lookup(p("srv/new")));
    assertNotNull(tree.lookup(p("srv")), "the implicit parent stays");
    assertTrue(tree.currentLayer().entries().keySet().stream().noneMatch(e -> e.value().startsWith("srv/")));
    tree.addFile(p("etc/motd"), META, bytes("back"));
    assertEquals(4, ((Node.RegularFile) tree.lookup(p("etc/motd"))).content().size());
    assertThrows(HostileInputException.class, () -> tree.delete(EntryPath.ROOT));
  }
}
