package dev.sealbuild.builder.deb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One stanza of a Debian control-style file ({@code control}, {@code dpkg/status}, a machine-readable
 * {@code copyright}): field names case-insensitive, a field's continuation lines kept as its later lines.
 * A field given twice keeps its last value, as dpkg reads it.
 */
public record ControlStanza(Map<String, List<String>> fields) {
  public ControlStanza {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    fields.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    fields = Collections.unmodifiableMap(copy);
  }

  /** The first stanza of {@code text}. */
  public static ControlStanza parse(String text) {
    List<ControlStanza> all = parseAll(text);
    return all.isEmpty() ? new ControlStanza(Map.of()) : all.get(0);
  }

  /** Every stanza of {@code text}, separated by blank lines; lines starting with {@code #} are comments. */
  public static List<ControlStanza> parseAll(String text) {
    List<ControlStanza> stanzas = new ArrayList<>();
    Map<String, List<String>> fields = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : text.split("\n", -1)) {
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isBlank()) {
        if (!fields.isEmpty()) {
          stanzas.add(new ControlStanza(fields));
          fields = new LinkedHashMap<>();
        }
        current = null;
      } else if (line.startsWith("#")) {
        continue;
      } else if (line.startsWith(" ") || line.startsWith("\t")) {
        if (current != null) {
          current.add(line.strip());
        }
      } else {
        int colon = line.indexOf(':');
        if (colon > 0) {
          current = new ArrayList<>();
          current.add(line.substring(colon + 1).strip());
          fields.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), current);
        } else {
          current = null;
        }
      }
    }
    if (!fields.isEmpty()) {
      stanzas.add(new ControlStanza(fields));
    }
    return List.copyOf(stanzas);
  }

  /** The field's value with its continuation lines folded into one line, or null when absent. */
  public String get(String field) {
    List<String> lines = fields.get(field.toLowerCase(Locale.ROOT));
    return lines == null ? null : String.join(" ", lines).strip();
  }

  /** The first line of the field's value (a synopsis, such as a license's short name), or null when absent. */
  public String firstLine(String field) {
    List<String> lines = fields.get(field.toLowerCase(Locale.ROOT));
    return lines == null ? null : lines.get(0);
  }

  public boolean has(String field) {
    return fields.containsKey(field.toLowerCase(Locale.ROOT));
  }
}
