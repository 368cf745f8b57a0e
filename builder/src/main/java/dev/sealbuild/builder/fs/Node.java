package dev.sealbuild.builder.fs;

import dev.sealbuild.formats.HostileInputException;

/** One entry of the image tree. */
public sealed interface Node {
  Meta meta();

  Node withMeta(Meta meta);

  record Directory(Meta meta) implements Node {
    @Override
    public Node withMeta(Meta meta) {
      return new Directory(meta);
    }
  }

  record RegularFile(Meta meta, Content content) implements Node {
    @Override
    public Node withMeta(Meta meta) {
      return new RegularFile(meta, content);
    }
  }

  record Symlink(Meta meta, String target) implements Node {
    public Symlink {
      if (target == null || target.isEmpty()) {
        throw new HostileInputException("symlink with an empty target");
      }
      if (target.indexOf('\0') >= 0 || target.length() > 4095) {
        throw new HostileInputException("symlink target is not a valid path: " + EntryPath.printable(target));
      }
    }

    @Override
    public Node withMeta(Meta meta) {
      return new Symlink(meta, target);
    }
  }

  /** Character or block device or FIFO: kept as metadata only, and only from base layers. */
  record Special(Meta meta, Kind kind, int devMajor, int devMinor) implements Node {
    public enum Kind { CHAR_DEVICE, BLOCK_DEVICE, FIFO }

    @Override
    public Node withMeta(Meta meta) {
      return new Special(meta, kind, devMajor, devMinor);
    }
  }
}
