package dev.sealbuild.formats.deb822;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import dev.sealbuild.formats.text.StrictUtf8;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The one deb822 reader (binary package {@code control} files, dpkg {@code status}, {@code Packages}, Release and
 * InRelease after the signature is stripped, machine-readable {@code copyright}, apt {@code .sources}). It streams
 * paragraphs from UTF-8 text, one {@link Deb822Stanza} at a time, so a 50 MB index never sits in memory as a whole.
 *
 * <p>One rule for odd input, Debian Policy 5.1 as dpkg applies it: a field name appears at most once per paragraph
 * (dpkg refuses a duplicate; so does this reader, whatever the case of the name: field names are case-insensitive).
 * Invalid UTF-8, a line longer than {@link Limits#maxLineChars}, a paragraph longer than {@link Limits#maxStanzaChars}
 * or with more than {@link Limits#maxFieldsPerStanza} fields, a continuation line without a field before it and a line
 * that is neither {@code Field: value} nor a continuation are errors ({@link Deb822Exception}) naming the source and
 * line. A line starting with {@code #} is a comment only where the format allows comments ({@link Syntax#COMMENTS}:
 * apt {@code .sources}, source package control files); elsewhere it is an error.
 */
public final class Deb822Reader implements Closeable {

  /** Whether the format allows comment lines (a {@code #} in the first column). */
  public enum Syntax { STRICT, COMMENTS }

  /** Bounds applied while reading. */
  public record Limits(int maxLineChars, int maxStanzaChars, int maxFieldsPerStanza) {
    public static final Limits DEFAULT = new Limits(1 << 20, 8 << 20, 1_000);
  }

  private final Reader in;
  private final String origin;
  private final Limits limits;
  private final Syntax syntax;
  private final char[] buffer = new char[64 * 1024];
  private int bufferPos;
  private int bufferEnd;
  private long lineNumber;
  private boolean eof;
  /** Reused between paragraphs: the current line, the field names seen in the paragraph, the value being read. */
  private final StringBuilder line = new StringBuilder();
  private final List<String> names = new ArrayList<>();
  private final StringBuilder value = new StringBuilder();

  /**
   * @param in UTF-8 bytes; closed by {@link #close()}
   * @param origin names the source in error messages (URL or file)
   */
  public Deb822Reader(InputStream in, String origin, Limits limits) {
    this(in, origin, limits, Syntax.STRICT);
  }

  public Deb822Reader(InputStream in, String origin, Limits limits, Syntax syntax) {
    this.in = new InputStreamReader(Objects.requireNonNull(in, "in"), StrictUtf8.decoder());
    this.origin = Objects.requireNonNull(origin, "origin");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.syntax = Objects.requireNonNull(syntax, "syntax");
  }

  public Deb822Reader(InputStream in, String origin) {
    this(in, origin, Limits.DEFAULT);
  }

  /** Every paragraph of {@code text}. */
  public static List<Deb822Stanza> parseAll(String text, String origin, Syntax syntax) {
    List<Deb822Stanza> all = new ArrayList<>();
    try (Deb822Reader reader = new Deb822Reader(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), origin, Limits.DEFAULT, syntax)) {
      for (Deb822Stanza s = reader.next(); s != null; s = reader.next()) {
        all.add(s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not thrown by an in-memory stream
    }
    return all;
  }

  /** The first paragraph of {@code text} (a {@code control} file), empty when there is none. */
  public static Deb822Stanza parseFirst(String text, String origin) {
    List<Deb822Stanza> all = parseAll(text, origin, Syntax.STRICT);
    return all.isEmpty() ? new Deb822Stanza(java.util.Map.of(), "", 0) : all.get(0);
  }

  /**
   * Receives one paragraph's fields as they are read, for callers that keep a few fields of a large file (a
   * {@code Packages} index) rather than a {@link Deb822Stanza} per paragraph. The same rules apply as for
   * {@link #next()}: a duplicate field, an over-long line or paragraph and malformed lines are errors.
   */
  public interface FieldVisitor {
    /**
     * Whether {@link #field} should receive this field's value; the value of an unwanted field (a long Description)
     * is checked but never assembled.
     */
    boolean wants(String name);

    /** A wanted field, its value as {@link Deb822Stanza#fields()} would hold it. */
    void field(String name, String value) throws IOException;

    /** The paragraph that began at {@code firstLine} (1-based) is complete. */
    void end(long firstLine) throws IOException;
  }

  /** The next paragraph, or {@code null} at the end of input. */
  public Deb822Stanza next() throws IOException {
    TreeMap<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    StringBuilder text = new StringBuilder();
    long[] first = {-1};
    FieldVisitor all = new FieldVisitor() {
      @Override
      public boolean wants(String name) {
        return true;
      }

      @Override
      public void field(String name, String value) {
        fields.put(name, value);
      }

      @Override
      public void end(long firstLine) {
        first[0] = firstLine;
      }
    };
    if (!next(all, text)) {
      return null;
    }
    return new Deb822Stanza(fields, text.toString(), first[0]);
  }

  /**
   * Streams the next paragraph's fields to {@code visitor} without keeping the paragraph.
   *
   * @return false at the end of input (the visitor saw nothing)
   */
  public boolean next(FieldVisitor visitor) throws IOException {
    return next(Objects.requireNonNull(visitor, "visitor"), null);
  }

  private boolean next(FieldVisitor visitor, StringBuilder text) throws IOException {
    // skip separator lines
    long first;
    while (true) {
      if (!readLine(line)) {
        return false;
      }
      if (!isBlank(line) && !isComment(line)) {
        first = lineNumber;
        break;
      }
    }
    names.clear();
    long chars = 0;
    String currentName = null;
    boolean wanted = false;
    StringBuilder currentValue = value;
    do {
      chars += line.length() + 1;
      if (chars > limits.maxStanzaChars()) {
        throw malformed("paragraph starting at line " + first + " exceeds " + limits.maxStanzaChars() + " characters");
      }
      if (text != null) {
        text.append(line).append('\n');
      }
      if (isComment(line)) {
        continue;
      }
      char c0 = line.charAt(0);
      if (c0 == ' ' || c0 == '\t') {
        if (currentName == null) {
          throw malformed("continuation line " + lineNumber + " has no field before it");
        }
        if (wanted) {
          currentValue.append('\n').append(strip(line));
        }
        continue;
      }
      if (currentName != null && wanted) {
        visitor.field(currentName, currentValue.toString());
      }
      int colon = indexOf(line, ':');
      if (colon <= 0) {
        throw malformed("line " + lineNumber + " is neither 'Field: value' nor a continuation line");
      }
      currentName = line.substring(0, colon);
      if (!isFieldName(currentName)) {
        throw malformed("line " + lineNumber + " has an invalid field name '" + abbreviate(currentName) + "'");
      }
      for (String seen : names) {
        if (seen.equalsIgnoreCase(currentName)) {
          throw malformed("field '" + currentName + "' appears twice in the paragraph at line " + first);
        }
      }
      if (names.size() >= limits.maxFieldsPerStanza()) {
        throw malformed("paragraph at line " + first + " has more than " + limits.maxFieldsPerStanza() + " fields");
      }
      names.add(currentName);
      wanted = visitor.wants(currentName);
      if (wanted) {
        currentValue.setLength(0);
        currentValue.append(strip(line.subSequence(colon + 1, line.length())));
      }
    } while (readLine(line) && !isBlank(line));
    if (wanted) {
      visitor.field(currentName, currentValue.toString());
    }
    visitor.end(first);
    return true;
  }

  private static int indexOf(StringBuilder s, char c) {
    for (int k = 0; k < s.length(); k++) {
      if (s.charAt(k) == c) {
        return k;
      }
    }
    return -1;
  }

  /** {@link String#strip()} of a char sequence, without copying it first. */
  private static CharSequence strip(CharSequence s) {
    int from = 0;
    int to = s.length();
    while (from < to && Character.isWhitespace(s.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
      to--;
    }
    return s.subSequence(from, to);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Reads one line without its terminator (and without a trailing CR); false at end of input. */
  private boolean readLine(StringBuilder line) throws IOException {
    line.setLength(0);
    if (eof) {
      return false;
    }
    boolean any = false;
    while (true) {
      if (bufferPos == bufferEnd) {
        int n;
        try {
          n = in.read(buffer, 0, buffer.length);
        } catch (CharacterCodingException e) {
          throw malformed("invalid UTF-8 near line " + (lineNumber + 1));
        }
        if (n < 0) {
          eof = true;
          if (any) {
            lineNumber++;
            stripCr(line);
          }
          return any;
        }
        bufferPos = 0;
        bufferEnd = n;
      }
      int start = bufferPos;
      while (bufferPos < bufferEnd && buffer[bufferPos] != '\n') {
        bufferPos++;
      }
      int chunk = bufferPos - start;
      if (line.length() + chunk > limits.maxLineChars()) {
        throw malformed("line " + (lineNumber + 1) + " is longer than " + limits.maxLineChars() + " characters");
      }
      line.append(buffer, start, chunk);
      any = true;
      if (bufferPos < bufferEnd) {
        bufferPos++; // the '\n'
        lineNumber++;
        stripCr(line);
        return true;
      }
    }
  }

  private static void stripCr(StringBuilder line) {
    int n = line.length();
    if (n > 0 && line.charAt(n - 1) == '\r') {
      line.setLength(n - 1);
    }
  }

  private boolean isComment(CharSequence line) {
    return syntax == Syntax.COMMENTS && line.length() > 0 && line.charAt(0) == '#';
  }

  private static boolean isBlank(CharSequence line) {
    for (int k = 0; k < line.length(); k++) {
      char c = line.charAt(k);
      if (c != ' ' && c != '\t') {
        return false;
      }
    }
    return true;
  }

  private static boolean isFieldName(String name) {
    char c0 = name.charAt(0);
    if (c0 == '#' || c0 == '-') {
      return false;
    }
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      if (c <= ' ' || c > '~') {
        return false;
      }
    }
    return true;
  }

  private Deb822Exception malformed(String what) {
    return new Deb822Exception(origin + ": " + what);
  }

  /** Text from the input as a message quotes it: control characters escaped (a CR would break the line), capped. */
  private static String abbreviate(String s) {
    return dev.sealbuild.formats.io.Printable.quoted(s, 60);
  }
}
