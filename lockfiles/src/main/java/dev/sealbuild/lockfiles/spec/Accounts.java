package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Users and groups written to {@code /etc/passwd} and {@code /etc/group} (maintainer scripts never run). */
public record Accounts(List<Group> groups, List<User> users) {
  public static final Accounts NONE = new Accounts(List.of(), List.of());
  private static final String NAME = "[a-z_][a-z0-9_-]{0,31}";

  public record Group(String name, int gid) {
    @JsonCreator
    public Group(@JsonProperty(value = "name", required = true) String name, @JsonProperty(value = "gid", required = true) int gid) {
      if (name == null || !name.matches(NAME)) {
        throw new IllegalArgumentException("group name '" + name + "' must match " + NAME);
      }
      if (gid < 0) {
        throw new IllegalArgumentException("group " + name + ": gid must not be negative");
      }
      this.name = name;
      this.gid = gid;
    }
  }

  public record User(String name, int uid, int gid, String home, String shell) {
    @JsonCreator
    public User(
        @JsonProperty(value = "name", required = true) String name,
        @JsonProperty(value = "uid", required = true) int uid,
        @JsonProperty(value = "gid", required = true) int gid,
        @JsonProperty("home") String home,
        @JsonProperty("shell") String shell) {
      if (name == null || !name.matches(NAME)) {
        throw new IllegalArgumentException("user name '" + name + "' must match " + NAME);
      }
      if (uid < 0 || gid < 0) {
        throw new IllegalArgumentException("user " + name + ": uid and gid must not be negative");
      }
      if (home != null && (!home.startsWith("/") || home.contains(":") || home.contains(".."))) {
        throw new IllegalArgumentException("user " + name + ": home '" + home + "' must be an absolute path");
      }
      if (shell != null && (!shell.startsWith("/") || shell.contains(":"))) {
        throw new IllegalArgumentException("user " + name + ": shell '" + shell + "' must be an absolute path");
      }
      this.name = name;
      this.uid = uid;
      this.gid = gid;
      this.home = home == null ? "/home/" + name : home;
      this.shell = shell == null ? "/sbin/nologin" : shell;
    }
  }

  @JsonCreator
  public Accounts(@JsonProperty("groups") List<Group> groups, @JsonProperty("users") List<User> users) {
    this.groups = groups == null ? List.of() : List.copyOf(groups);
    this.users = users == null ? List.of() : List.copyOf(users);
    Set<String> seen = new HashSet<>();
    for (Group g : this.groups) {
      if (!seen.add("g:" + g.name())) {
        throw new IllegalArgumentException("group " + g.name() + " is declared twice");
      }
    }
    for (User u : this.users) {
      if (!seen.add("u:" + u.name())) {
        throw new IllegalArgumentException("user " + u.name() + " is declared twice");
      }
    }
  }
}
