package dev.sealbuild.builder.deb;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The few control fields the installer needs, read from a package's own control stanza. */
record ControlFields(String packageName, List<String> replaces) {
  static ControlFields parse(String control) {
    String name = null;
    String replaces = "";
    String field = null;
    StringBuilder value = new StringBuilder();
    List<String[]> fields = new ArrayList<>();
    for (String line : control.split("\n")) {
      if (line.startsWith(" ") || line.startsWith("\t")) {
        value.append(' ').append(line.strip());
        continue;
      }
      if (field != null) {
        fields.add(new String[] {field, value.toString()});
      }
      int colon = line.indexOf(':');
      field = colon > 0 ? line.substring(0, colon).toLowerCase(Locale.ROOT) : null;
      value = new StringBuilder(colon > 0 ? line.substring(colon + 1).strip() : "");
    }
    if (field != null) {
      fields.add(new String[] {field, value.toString()});
    }
    for (String[] f : fields) {
      if (f[0].equals("package")) {
        name = f[1];
      } else if (f[0].equals("replaces")) {
        replaces = f[1];
      }
    }
    List<String> names = new ArrayList<>();
    for (String relation : replaces.split(",")) {
      String n = relation.strip().split("[\\s(:]", 2)[0];
      if (!n.isEmpty()) {
        names.add(n);
      }
    }
    return new ControlFields(name, List.copyOf(names));
  }
}
