package dev.sealbuild.builder.deb;

import dev.sealbuild.formats.deb822.Deb822Reader;
import dev.sealbuild.formats.deb822.Deb822Stanza;
import java.util.ArrayList;
import java.util.List;

/** The few control fields the installer needs, read from a package's own control stanza. */
record ControlFields(String packageName, List<String> replaces) {
  static ControlFields parse(String control, String origin) {
    Deb822Stanza stanza = Deb822Reader.parseFirst(control, origin);
    String replaces = stanza.folded("replaces");
    List<String> names = new ArrayList<>();
    for (String relation : (replaces == null ? "" : replaces).split(",")) {
      String n = relation.strip().split("[\\s(:]", 2)[0];
      if (!n.isEmpty()) {
        names.add(n);
      }
    }
    return new ControlFields(stanza.folded("package"), List.copyOf(names));
  }
}
