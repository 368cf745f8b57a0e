package dev.sealbuild.builder.layer;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * A fixed tree for layer tests: text files that repeat themselves (as source trees do), noise and a symlink, the
 * same bytes every run (java.util.Random is specified bit for bit).
 */
final class SampleLayer implements AutoCloseable {
  static final long EPOCH = 1_700_000_000L;
  final ContentSpool spool;
  final ImageTree tree = new ImageTree("sample", EPOCH, 100_000);

  SampleLayer(Path work, int files, int fileSize) throws IOException {
    spool = new ContentSpool(java.nio.file.Files.createDirectories(work));
    Random random = new Random(42);
    String[] words = {"import os\n", "def main():\n", "    return None\n", "class Layer:\n", "# sealbuild\n", "x = 1\n",
        "print('hello')\n", "    pass\n"};
    Meta dir = new Meta(0755, 0, 0, EPOCH);
    tree.addDirectory(EntryPath.parse("usr"), dir);
    tree.addDirectory(EntryPath.parse("usr/lib"), dir);
    for (int i = 0; i < files; i++) {
      byte[] content;
      if (i % 5 == 4) {
        content = new byte[fileSize];
        random.nextBytes(content);
      } else {
        StringBuilder text = new StringBuilder();
        while (text.length() < fileSize) {
          text.append(words[random.nextInt(words.length)]);
        }
        content = text.substring(0, fileSize).getBytes(StandardCharsets.US_ASCII);
      }
      tree.addFile(EntryPath.parse("usr/lib/file-" + i + ".py"), new Meta(0644, 0, 0, EPOCH),
          spool.append(new ByteArrayInputStream(content), content.length, "sample " + i));
    }
    tree.addSymlink(EntryPath.parse("usr/lib/link"), new Meta(0777, 0, 0, EPOCH), "file-0.py");
  }

  LayerBlob write(LayerWriter writer, Path file) throws IOException {
    return writer.write(tree.currentLayer(), tree, file, "test");
  }

  @Override
  public void close() throws IOException {
    spool.close();
  }
}
