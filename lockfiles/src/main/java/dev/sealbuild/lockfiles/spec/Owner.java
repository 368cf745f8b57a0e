package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Numeric {@code uid:gid}. Names are not accepted: there is no passwd to look them up in at build time. */
public record Owner(int uid, int gid) {
  public static final Owner ROOT = new Owner(0, 0);
  private static final long MAX_ID = Integer.MAX_VALUE;

  public Owner {
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("uid and gid must be between 0 and " + MAX_ID);
    }
  }

  @JsonCreator
  public static Owner parse(String text) {
    String[] parts = text.trim().split(":", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("owner '" + text + "' must be numeric uid:gid, for example \"1000:1000\"");
    }
    return new Owner(id(parts[0], text), id(parts[1], text));
  }

  private static int id(String part, String text) {
    if (part.isEmpty() || part.length() > 10 || !part.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("owner '" + text + "' must be numeric uid:gid, for example \"1000:1000\"");
    }
    long value = Long.parseLong(part);
    if (value > MAX_ID) {
      throw new IllegalArgumentException("owner '" + text + "': ids above " + MAX_ID + " are not allowed");
    }
    return (int) value;
  }

  @JsonValue
  @Override
  public String toString() {
    return uid + ":" + gid;
  }
}
