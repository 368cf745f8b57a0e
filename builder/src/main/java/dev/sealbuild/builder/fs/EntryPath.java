package dev.sealbuild.builder.fs;

import dev.sealbuild.formats.HostileInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A normalized path inside the image: components joined by {@code /}, no leading or trailing slash, no
 * {@code .}, {@code ..} or empty components. The root is the empty path. Archive names are turned into
 * EntryPaths the way a chroot would see them: a leading {@code /} or {@code ./} means the image root.
 */
public record EntryPath(String value) implements Comparable<EntryPath> {
  public static final EntryPath ROOT = new EntryPath("");
  public static final int MAX_PATH_BYTES = 4096;
  public static final int MAX_COMPONENT_BYTES = 255;
  public static final int MAX_DEPTH = 256;

  /** Parses a name from an archive or spec. {@code ..} anywhere is refused rather than resolved. */
  public static EntryPath parse(String raw) {
    if (raw == null) {
      throw new HostileInputException("entry has no name");
    }
    if (raw.indexOf('\0') >= 0) {
      throw new HostileInputException("entry name contains NUL: " + printable(raw));
    }
    if (raw.indexOf('\uFFFD') >= 0) {
      throw new HostileInputException("entry name is not valid UTF-8: " + printable(raw));
    }
    if (raw.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw new HostileInputException("entry name longer than " + MAX_PATH_BYTES + " bytes: " + printable(raw));
    }
    List<String> parts = new ArrayList<>();
    for (String part : raw.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new HostileInputException("entry '" + printable(raw) + "' escapes with '..'");
      }
      if (part.getBytes(StandardCharsets.UTF_8).length > MAX_COMPONENT_BYTES) {
        throw new HostileInputException("entry '" + printable(raw) + "' has a name component longer than " + MAX_COMPONENT_BYTES + " bytes");
      }
      parts.add(part);
    }
    if (parts.size() > MAX_DEPTH) {
      throw new HostileInputException("entry '" + printable(raw) + "' is nested deeper than " + MAX_DEPTH + " levels");
    }
    return new EntryPath(String.join("/", parts));
  }

  public boolean isRoot() {
    return value.isEmpty();
  }

  public EntryPath parent() {
    int slash = value.lastIndexOf('/');
    return slash < 0 ? ROOT : new EntryPath(value.substring(0, slash));
  }

  public String name() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  public EntryPath child(String name) {
    return new EntryPath(value.isEmpty() ? name : value + "/" + name);
  }

  public EntryPath resolve(EntryPath relative) {
    if (relative.isRoot()) {
      return this;
    }
    return isRoot() ? relative : new EntryPath(value + "/" + relative.value);
  }

  public List<String> components() {
    return value.isEmpty() ? List.of() : List.of(value.split("/"));
  }

  /** Ordered by UTF-8 bytes, as {@code tar --sort=name} in the C locale; parents sort before children. */
  @Override
  public int compareTo(EntryPath o) {
    return compareBytes(value, o.value);
  }

  /**
   * UTF-8 byte order without encoding: it is the order of code points. Sorting and looking up a tree of many entries
   * compares paths often; encoding both sides each time was most of what an image build allocated.
   */
  static int compareBytes(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; ) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(i);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
    }
    return Integer.compare(a.length(), b.length());
  }

  @Override
  public String toString() {
    return "/" + value;
  }

  static String printable(String s) {
    return dev.sealbuild.formats.io.Printable.of(s);
  }
}
