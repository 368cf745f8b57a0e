package dev.sealbuild.lockfiles.spec;

import dev.sealbuild.formats.io.Printable;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The owner of copied files: numeric {@code uid:gid}, or names ({@code app:app}, {@code 1000:staff})
 * that the builder looks up in the image's own {@code /etc/passwd} and {@code /etc/group} as the entry is added.
 * {@code user} and {@code group} hold the names; a named part's id is 0 until it is looked up.
 */
public record Owner(int uid, int gid, String user, String group) {
  public static final Owner ROOT = new Owner(0, 0);
  private static final long MAX_ID = Integer.MAX_VALUE;
  private static final String NAME = "[a-z_][a-z0-9_.-]{0,31}";

  public Owner {
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("uid and gid must be between 0 and " + MAX_ID);
    }
  }

  public Owner(int uid, int gid) {
    this(uid, gid, null, null);
  }

  @JsonCreator
  public static Owner parse(String text) {
    String[] parts = text.trim().split(":", -1);
    if (parts.length > 2 || parts[0].isEmpty() || parts.length == 2 && parts[1].isEmpty()) {
      throw new IllegalArgumentException("owner '" + Printable.quoted(text, 60) + "' must be uid:gid or user:group, for example \"1000:1000\" or app:app");
    }
    boolean numericUser = numeric(parts[0]);
    if (parts.length == 1) {
      throw new IllegalArgumentException("owner '" + Printable.quoted(text, 60) + "' needs a group too: write uid:gid or user:group, for example \"1000:1000\" or app:app");
    }
    boolean numericGroup = numeric(parts[1]);
    if (numericUser && numericGroup) {
      return new Owner(id(parts[0], text), id(parts[1], text));
    }
    return new Owner(numericUser ? id(parts[0], text) : 0, numericGroup ? id(parts[1], text) : 0,
        numericUser ? null : name(parts[0], text), numericGroup ? null : name(parts[1], text));
  }

  /** True when no part is a name: the ids are final. */
  public boolean numeric() {
    return user == null && group == null;
  }

  private static boolean numeric(String part) {
    return part.chars().allMatch(Character::isDigit);
  }

  private static String name(String part, String text) {
    if (!part.matches(NAME)) {
      throw new IllegalArgumentException("owner '" + Printable.quoted(text, 60) + "': '" + Printable.quoted(part, 60) + "' is neither an id nor an account name");
    }
    return part;
  }

  private static int id(String part, String text) {
    if (part.isEmpty() || part.length() > 10 || !numeric(part)) {
      throw new IllegalArgumentException("owner '" + Printable.quoted(text, 60) + "' must be numeric uid:gid, for example \"1000:1000\"");
    }
    long value = Long.parseLong(part);
    if (value > MAX_ID) {
      throw new IllegalArgumentException("owner '" + Printable.quoted(text, 60) + "': ids above " + MAX_ID + " are not allowed");
    }
    return (int) value;
  }

  @JsonValue
  @Override
  public String toString() {
    return (user != null ? user : Integer.toString(uid)) + ":" + (group != null ? group : Integer.toString(gid));
  }
}
