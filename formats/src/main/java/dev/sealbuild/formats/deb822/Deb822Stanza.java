package dev.sealbuild.formats.deb822;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One deb822 paragraph: its fields (names case-insensitive; a multi-line value is the first line's value followed by
 * each continuation line, trimmed, joined with {@code \n}) and its exact text (every line ending in {@code \n}).
 *
 * @param fields field name to value, case-insensitive, in name order
 * @param text the paragraph exactly as read, without the blank separator line
 * @param firstLine the 1-based line number of the paragraph's first line in its source
 */
public record Deb822Stanza(Map<String, String> fields, String text, long firstLine) {

  public Deb822Stanza {
    Objects.requireNonNull(text, "text");
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(fields);
    fields = Collections.unmodifiableMap(copy);
  }

  public Optional<String> field(String name) {
    return Optional.ofNullable(fields.get(name));
  }

  /** The value, or {@code ""} when the field is absent. */
  public String fieldOrEmpty(String name) {
    return fields.getOrDefault(name, "");
  }

  public boolean has(String name) {
    return fields.containsKey(name);
  }

  /** The value with its continuation lines folded into one line (joined by a space), or null when absent. */
  public String folded(String name) {
    String value = fields.get(name);
    return value == null ? null : value.replace('\n', ' ').strip();
  }

  /** The first line of the value (a synopsis, such as a license's short name), or null when absent. */
  public String firstLine(String name) {
    String value = fields.get(name);
    if (value == null) {
      return null;
    }
    int nl = value.indexOf('\n');
    return nl < 0 ? value : value.substring(0, nl);
  }
}
