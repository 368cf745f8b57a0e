package dev.sealbuild.formats.apk;

import dev.sealbuild.formats.io.Printable;
import java.util.ArrayList;
import java.util.List;

/**
 * The line-oriented package records shared by {@code APKINDEX} and {@code lib/apk/db/installed}: {@code X:value}
 * lines, records separated by blank lines. The one rule for odd input is apk-tools 2's: a non-empty line that is not
 * {@code X:value} (a single field letter, then a colon) is a format error naming the source and line. What a field
 * means (which repeat, which are per-file lines of the installed database, which unknown ones make a package
 * uninstallable) is the caller's business.
 */
public final class ApkRecords {
  private ApkRecords() {}

  /** One {@code X:value} line and its 1-based line number. */
  public record Field(char key, String value, int line) {}

  /** One package's lines, in order. */
  public record Record(int firstLine, List<Field> fields) {
    public Record {
      fields = List.copyOf(fields);
    }

    /** The value of the key's last line, or null when absent. */
    public String last(char key) {
      String value = null;
      for (Field f : fields) {
        if (f.key() == key) {
          value = f.value();
        }
      }
      return value;
    }

    /** The values of every line with the key, in order. */
    public List<String> all(char key) {
      List<String> values = new ArrayList<>();
      for (Field f : fields) {
        if (f.key() == key) {
          values.add(f.value());
        }
      }
      return values;
    }
  }

  public static List<Record> parse(String text, String source) {
    List<Record> records = new ArrayList<>();
    List<Field> current = null;
    int first = 0;
    int lineNumber = 0;
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      String line = text.substring(start, end);
      lineNumber++;
      start = end + 1;
      if (line.isEmpty()) {
        if (current != null) {
          records.add(new Record(first, current));
          current = null;
        }
        continue;
      }
      if (line.length() < 2 || line.charAt(1) != ':') {
        throw new ApkFormatException("malformed line " + lineNumber + " in " + source + ": '" + abbreviate(line)
            + "' (expected X:value)");
      }
      if (current == null) {
        current = new ArrayList<>();
        first = lineNumber;
      }
      current.add(new Field(line.charAt(0), line.substring(2), lineNumber));
    }
    if (current != null) {
      records.add(new Record(first, current));
    }
    return List.copyOf(records);
  }

  private static String abbreviate(String s) {
    return Printable.of(s.length() > 120 ? s.substring(0, 120) + "..." : s);
  }
}
