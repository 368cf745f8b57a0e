package dev.sealbuild.builder.sbom;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A supplier as a package names it, {@code Name <email>}: the name, and the address when there is a plausible one. */
public record Party(String name, String email) {
  private static final Pattern NAME_EMAIL = Pattern.compile("(.*?)\\s*<([^<>\\s]+@[^<>\\s]+\\.[^<>\\s]+)>\\s*");
  private static final int MAX_LENGTH = 512;

  /** As packages write it: {@code Name <email>}, or the name alone. */
  public String stated() {
    return email == null ? name : name + " <" + email + ">";
  }

  /** Null for an empty or unusable value; text that is not {@code Name <email>} is kept whole as the name. */
  static Party parse(String text) {
    if (text == null || text.isBlank() || text.length() > MAX_LENGTH || text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return null;
    }
    Matcher m = NAME_EMAIL.matcher(text.strip());
    if (m.matches() && !m.group(1).isBlank()) {
      return new Party(m.group(1).strip(), m.group(2));
    }
    return new Party(text.strip(), null);
  }
}
