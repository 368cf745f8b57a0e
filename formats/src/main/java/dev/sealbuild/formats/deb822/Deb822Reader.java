package dev.sealbuild.formats.deb822;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import dev.sealbuild.formats.text.StrictUtf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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

  private final InputStream in;
  private final String origin;
  private final Limits limits;
  private final Syntax syntax;
  /** The most bytes a line of {@link Limits#maxLineChars} characters can take (three per character, and a CR). */
  private final long maxLineBytes;
  /** Input read ahead: bytes {@code [pos, end)} are unread; the current line is {@code [lineStart, lineEnd)}. */
  private byte[] buffer = new byte[64 * 1024];
  private int pos;
  private int end;
  private int lineStart;
  private int lineEnd;
  /** The current line's length in UTF-16 characters, as the limits count them. */
  private int lineChars;
  /** Negative when the current line has a byte above 0x7F (the OR of its bytes). */
  private int lineAscii;
  private long lineNumber;
  private boolean eof;
  /** Reused between paragraphs: the field names seen in the paragraph, a multi-line value being assembled. */
  private final List<String> names = new ArrayList<>();
  private int[] nameHashes = new int[32];
  private final StringBuilder value = new StringBuilder();

  /**
   * @param in UTF-8 bytes; closed by {@link #close()}
   * @param origin names the source in error messages (URL or file)
   */
  public Deb822Reader(InputStream in, String origin, Limits limits) {
    this(in, origin, limits, Syntax.STRICT);
  }

  public Deb822Reader(InputStream in, String origin, Limits limits, Syntax syntax) {
    this.in = Objects.requireNonNull(in, "in");
    this.origin = Objects.requireNonNull(origin, "origin");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.syntax = Objects.requireNonNull(syntax, "syntax");
    this.maxLineBytes = 3L * limits.maxLineChars() + 1;
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
      if (!readLine()) {
        return false;
      }
      if (!lineIsBlank() && !lineIsComment()) {
        first = lineNumber;
        break;
      }
    }
    names.clear();
    long chars = 0;
    String currentName = null;
    boolean wanted = false;
    String firstValue = null;
    boolean continued = false;
    do {
      chars += lineChars + 1;
      if (chars > limits.maxStanzaChars()) {
        throw malformed("paragraph starting at line " + first + " exceeds " + limits.maxStanzaChars() + " characters");
      }
      if (text != null) {
        text.append(decode(lineStart, lineEnd)).append('\n');
      }
      if (lineIsComment()) {
        continue;
      }
      byte c0 = buffer[lineStart];
      if (c0 == ' ' || c0 == '\t') {
        if (currentName == null) {
          throw malformed("continuation line " + lineNumber + " has no field before it");
        }
        if (wanted) {
          if (!continued) {
            value.setLength(0);
            value.append(firstValue);
            continued = true;
          }
          value.append('\n').append(stripped(lineStart, lineEnd));
        }
        continue;
      }
      if (currentName != null && wanted) {
        visitor.field(currentName, continued ? value.toString() : firstValue);
      }
      int colon = indexOf(buffer, lineStart, lineEnd, (byte) ':');
      if (colon <= lineStart) {
        throw malformed("line " + lineNumber + " is neither 'Field: value' nor a continuation line");
      }
      currentName = fieldName(lineStart, colon);
      int hash = foldedHash(lineStart, colon);
      for (int k = 0; k < names.size(); k++) {
        if (nameHashes[k] == hash && names.get(k).equalsIgnoreCase(currentName)) {
          throw malformed("field '" + currentName + "' appears twice in the paragraph at line " + first);
        }
      }
      if (names.size() >= limits.maxFieldsPerStanza()) {
        throw malformed("paragraph at line " + first + " has more than " + limits.maxFieldsPerStanza() + " fields");
      }
      if (names.size() == nameHashes.length) {
        nameHashes = Arrays.copyOf(nameHashes, 2 * nameHashes.length);
      }
      nameHashes[names.size()] = hash;
      names.add(currentName);
      wanted = visitor.wants(currentName);
      if (wanted) {
        firstValue = stripped(colon + 1, lineEnd);
        continued = false;
      }
    } while (readLine() && !lineIsBlank());
    if (wanted) {
      visitor.field(currentName, continued ? value.toString() : firstValue);
    }
    visitor.end(first);
    return true;
  }

  /**
   * A hash of a field name that is the same for every spelling of its case (letters with bit 0x20 set; other bytes
   * may collide, which only costs a comparison): a paragraph's duplicate check compares names only when it matches.
   */
  private int foldedHash(int from, int to) {
    int hash = 0;
    for (int k = from; k < to; k++) {
      hash = 31 * hash + (buffer[k] | 0x20);
    }
    return hash;
  }

  /** The name before a line's colon; printable ASCII only, so its bytes are its characters. */
  private String fieldName(int from, int colon) throws Deb822Exception {
    boolean valid = buffer[from] != '#' && buffer[from] != '-';
    for (int k = from; k < colon && valid; k++) {
      int c = buffer[k] & 0xff;
      valid = c > ' ' && c <= '~';
    }
    if (!valid) {
      throw malformed("line " + lineNumber + " has an invalid field name '" + abbreviate(decode(from, colon)) + "'");
    }
    return new String(buffer, from, colon - from, StandardCharsets.ISO_8859_1);
  }

  private static int indexOf(byte[] bytes, int from, int to, byte b) {
    for (int k = from; k < to; k++) {
      if (bytes[k] == b) {
        return k;
      }
    }
    return -1;
  }

  /**
   * The text of bytes {@code [from, to)} of the current line with white space stripped from both ends, as
   * {@link String#strip()} strips it: ASCII white space is dropped before decoding, other white space after.
   */
  private String stripped(int from, int to) {
    while (from < to && isAsciiWhitespace(buffer[from])) {
      from++;
    }
    while (to > from && isAsciiWhitespace(buffer[to - 1])) {
      to--;
    }
    return decode(from, to).strip();
  }

  /** The bytes {@link Character#isWhitespace} accepts among ASCII: tab to carriage return, 0x1C to space. */
  private static boolean isAsciiWhitespace(byte b) {
    return (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x20);
  }

  /** Bytes of the current line, already checked to be UTF-8. */
  private String decode(int from, int to) {
    return new String(buffer, from, to - from, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /**
   * Makes the next line current (without its terminator and without a trailing CR), checks that it is UTF-8 and
   * within {@link Limits#maxLineChars}; false at end of input.
   */
  private boolean readLine() throws IOException {
    if (eof && pos == end) {
      return false;
    }
    int scanned = 0;
    lineAscii = 0;
    while (true) {
      int newline = newline(pos + scanned);
      if (newline >= 0) {
        takeLine(newline);
        pos = newline + 1;
        return true;
      }
      scanned = end - pos;
      if (scanned > maxLineBytes) {
        throw malformed("line " + (lineNumber + 1) + " is longer than " + limits.maxLineChars() + " characters");
      }
      if (!fill()) {
        if (scanned == 0) {
          return false;
        }
        takeLine(end);
        pos = end;
        return true;
      }
    }
  }

  /**
   * The index of the first newline in {@code [from, end)}, or -1; ORs every byte before it into {@link #lineAscii},
   * so the line is known to be ASCII (its bytes are its characters) without a second look.
   */
  private int newline(int from) {
    byte[] bytes = buffer;
    int seen = lineAscii;
    for (int k = from; k < end; k++) {
      byte b = bytes[k];
      if (b == '\n') {
        lineAscii = seen;
        return k;
      }
      seen |= b;
    }
    lineAscii = seen;
    return -1;
  }

  /** Reads more input after the unread bytes, moving them to the front or growing the buffer first; false at EOF. */
  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    if (pos > 0) {
      System.arraycopy(buffer, pos, buffer, 0, end - pos);
      end -= pos;
      pos = 0;
    }
    if (end == buffer.length) {
      buffer = Arrays.copyOf(buffer, (int) Math.min(2L * buffer.length, Integer.MAX_VALUE - 16));
    }
    int n = in.read(buffer, end, buffer.length - end);
    if (n < 0) {
      eof = true;
      return false;
    }
    end += n;
    return true;
  }

  private void takeLine(int stop) throws Deb822Exception {
    lineNumber++;
    if (stop > pos && buffer[stop - 1] == '\r') {
      stop--;
    }
    lineStart = pos;
    lineEnd = stop;
    lineChars = lineAscii >= 0 ? stop - pos : StrictUtf8.chars(buffer, pos, stop);
    if (lineChars < 0) {
      throw malformed("invalid UTF-8 in line " + lineNumber);
    }
    if (lineChars > limits.maxLineChars()) {
      throw malformed("line " + lineNumber + " is longer than " + limits.maxLineChars() + " characters");
    }
  }

  private boolean lineIsComment() {
    return syntax == Syntax.COMMENTS && lineEnd > lineStart && buffer[lineStart] == '#';
  }

  private boolean lineIsBlank() {
    for (int k = lineStart; k < lineEnd; k++) {
      byte c = buffer[k];
      if (c != ' ' && c != '\t') {
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
