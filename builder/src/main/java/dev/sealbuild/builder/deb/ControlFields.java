package dev.sealbuild.builder.deb;

import java.util.ArrayList;
import java.util.List;

/** The few control fields the installer needs, read from a package's own control stanza. */
record ControlFields(String packageName, List<String> replaces) {
  static ControlFields parse(String control) {
    ControlStanza stanza = ControlStanza.parse(control);
    String replaces = stanza.get("replaces");
    List<String> names = new ArrayList<>();
    for (String relation : (replaces == null ? "" : replaces).split(",")) {
      String n = relation.strip().split("[\\s(:]", 2)[0];
      if (!n.isEmpty()) {
        names.add(n);
      }
    }
    return new ControlFields(stanza.get("package"), List.copyOf(names));
  }
}
