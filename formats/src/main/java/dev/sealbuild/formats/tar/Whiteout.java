package dev.sealbuild.formats.tar;

import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.formats.io.Printable;
import java.util.Optional;

/**
 * An OCI layer whiteout (image-spec, "Representing Changes"): an empty regular file {@code DIR/.wh.NAME} deletes
 * {@code DIR/NAME} and everything below it from the layers underneath; {@code DIR/.wh..wh..opq} makes {@code DIR}
 * opaque, hiding what the layers underneath hold below it while the layer's own entries stay. This is the one place
 * that says what a whiteout name means; each reader applies it to its own data structure.
 *
 * <p>Invalid, and refused: a whiteout name anywhere but in the last component of a path; {@code .wh.} alone,
 * {@code .wh..}, {@code .wh...} and {@code .wh..wh.X} other than the opaque marker (they would delete the directory
 * itself, its parent, or another whiteout); a whiteout stored as anything but an empty regular file (a hardlink, a
 * directory, a symlink, a file with content).
 *
 * <p>Paths are relative and normalized: '/'-separated, no leading {@code ./} or {@code /}, no trailing {@code /};
 * the image root is the empty string.
 */
public sealed interface Whiteout {
  String PREFIX = ".wh.";
  String OPAQUE = ".wh..wh..opq";

  /** Whether a path of a layer underneath is hidden by this whiteout. */
  boolean hides(String lowerPath);

  /** {@code DIR/.wh.NAME}: {@code target} ({@code DIR/NAME}) and everything below it are deleted. */
  record Removal(String target) implements Whiteout {
    @Override
    public boolean hides(String lowerPath) {
      return lowerPath.equals(target) || lowerPath.startsWith(target + "/");
    }
  }

  /** {@code DIR/.wh..wh..opq}: everything below {@code directory} ("" for the root) is hidden; the directory stays. */
  record Opaque(String directory) implements Whiteout {
    @Override
    public boolean hides(String lowerPath) {
      return directory.isEmpty() ? !lowerPath.isEmpty() : lowerPath.startsWith(directory + "/");
    }
  }

  /** Whether a single path component is a whiteout name ({@code .wh.} prefix), valid or not. */
  static boolean isWhiteoutName(String component) {
    return component.startsWith(PREFIX);
  }

  /** Whether any component of a normalized path is a whiteout name. */
  static boolean containsWhiteoutName(String path) {
    for (String part : path.split("/", -1)) {
      if (isWhiteoutName(part)) {
        return true;
      }
    }
    return false;
  }

  /**
   * What a layer entry at {@code path} means: empty for an ordinary entry, a whiteout otherwise. An invalid whiteout
   * (see the class comment) is a {@link HostileInputException}. {@code regularFile} must be told by the type flag.
   */
  static Optional<Whiteout> of(String path, boolean regularFile, long size) {
    int slash = path.lastIndexOf('/');
    String name = path.substring(slash + 1);
    String dir = slash < 0 ? "" : path.substring(0, slash);
    if (containsWhiteoutName(dir)) {
      throw new HostileInputException("a whiteout name can only be the last part of a path");
    }
    if (!isWhiteoutName(name)) {
      return Optional.empty();
    }
    if (!regularFile || size != 0) {
      throw new HostileInputException("a whiteout must be an empty regular file");
    }
    if (name.equals(OPAQUE)) {
      return Optional.of(new Opaque(dir));
    }
    String target = name.substring(PREFIX.length());
    if (target.isEmpty() || target.equals(".") || target.equals("..") || isWhiteoutName(target)) {
      throw new HostileInputException("'" + Printable.of(name) + "' is not a valid whiteout");
    }
    return Optional.of(new Removal(dir.isEmpty() ? target : dir + "/" + target));
  }
}
