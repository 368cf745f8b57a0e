package dev.sealbuild.builder.output;

import dev.sealbuild.builder.image.BuiltImage;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes one image to several outputs, all or none: every output is checked before any is written, and when a write
 * fails midway the outputs this run already wrote are removed and what was there before is put back.
 */
public final class OutputBatch {
  /** One output and the writer for its transport. */
  public record Planned(OutputTarget target, ImageWriter writer) {}

  private final List<Planned> outputs;

  public OutputBatch(List<Planned> outputs) {
    this.outputs = List.copyOf(outputs);
  }

  /** Writes every output; {@code written} hears of each one once all are in place. */
  public void write(BuiltImage image, Map<String, String> annotations, Consumer<OutputTarget> written) throws IOException {
    for (Planned p : outputs) {
      p.writer().check(image, p.target());
    }
    List<Previous> done = new ArrayList<>();
    try {
      for (Planned p : outputs) {
        Previous previous = Previous.keep(p.target().path());
        done.add(previous);
        p.writer().write(image, p.target(), annotations);
      }
    } catch (IOException | RuntimeException | Error e) {
      for (int i = done.size() - 1; i >= 0; i--) {
        try {
          done.get(i).restore();
        } catch (IOException undo) {
          e.addSuppressed(undo);
        }
      }
      throw e;
    }
    for (Previous previous : done) {
      previous.discard();
    }
    outputs.forEach(p -> written.accept(p.target()));
  }

  /** What a target held before this run: a hard-linked copy beside it, or nothing. */
  private record Previous(Path target, Path copy) {
    static Previous keep(Path target) throws IOException {
      Path absolute = target.toAbsolutePath();
      if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
        return new Previous(absolute, null);
      }
      Path copy = Files.createTempDirectory(absolute.getParent(), "." + absolute.getFileName() + ".previous");
      Path inside = copy.resolve("kept");
      linkTree(absolute, inside);
      return new Previous(absolute, copy);
    }

    /** Puts the target back as it was before this run (removes it when there was none). */
    void restore() throws IOException {
      AtomicOutput.deleteTree(target);
      if (copy != null) {
        Files.move(copy.resolve("kept"), target);
        Files.delete(copy);
      }
    }

    void discard() throws IOException {
      if (copy != null) {
        AtomicOutput.deleteTree(copy);
      }
    }

    /** Copies a file or tree by hard links (a copy where links are not possible); outputs replace, never edit, files. */
    private static void linkTree(Path from, Path to) throws IOException {
      Files.walkFileTree(from, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          Files.createDirectory(to.resolve(from.relativize(dir).toString()));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Path target = from.equals(file) ? to : to.resolve(from.relativize(file).toString());
          try {
            Files.createLink(target, file);
          } catch (IOException | UnsupportedOperationException e) {
            Files.copy(file, target, LinkOption.NOFOLLOW_LINKS);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    }
  }
}
