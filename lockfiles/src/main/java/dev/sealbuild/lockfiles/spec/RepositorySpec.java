package dev.sealbuild.lockfiles.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.util.List;

/**
 * A package repository. {@code type: debian} takes {@code suite}, {@code components} and an OpenPGP
 * {@code keyring}; {@code type: alpine} takes RSA public {@code keys}. {@code url} is optional for Debian
 * (the host's apt sources supply a default) and can always be overridden with {@code --mirror NAME=URL}.
 *
 * <p>{@code priority} (Debian only) is the apt pin priority of every version from this entry, as an apt preferences
 * {@code Pin-Priority} would set it: the highest priority wins, then the highest version; below 0 never installed.
 * Without it, apt's default: 500, or 100/1 for NotAutomatic suites.
 * <p>An alpine entry may carry a {@code tag:} (as {@code @tag URL} in {@code /etc/apk/repositories}): only packages
 * requested as {@code name@tag}, and what they pull in, may then come from it.
 *
 * <p>{@code from: base} takes the repositories from the base itself (its apt sources and keyrings, or
 * {@code /etc/apk/repositories} and {@code /etc/apk/keys}) when the spec is locked; such an entry has only a name and a
 * type.
 */
public record RepositorySpec(String name, String type, URI url, String suite, List<String> components, String keyring,
    List<String> keys, String from, @JsonInclude(JsonInclude.Include.NON_NULL) Integer priority,
    @JsonInclude(JsonInclude.Include.NON_NULL) String tag) {
  public static final String DEBIAN = "debian";
  public static final String ALPINE = "alpine";
  /** The only value of {@code from}: the repositories the base names. */
  public static final String FROM_BASE = "base";

  public RepositorySpec(String name, String type, URI url, String suite, List<String> components, String keyring,
      List<String> keys) {
    this(name, type, url, suite, components, keyring, keys, null, null, null);
  }

  public RepositorySpec(String name, String type, URI url, String suite, List<String> components, String keyring,
      List<String> keys, String from) {
    this(name, type, url, suite, components, keyring, keys, from, null, null);
  }

  /** A {@code from: base} entry. */
  public static RepositorySpec fromBase(String name, String type) {
    return new RepositorySpec(name, type, null, null, null, null, null, FROM_BASE, null, null);
  }

  /** Whether this entry stands for the repositories the base names. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isFromBase() {
    return from != null;
  }

  @JsonCreator
  public RepositorySpec(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "type", required = true) String type,
      @JsonProperty("url") URI url,
      @JsonProperty("suite") String suite,
      @JsonProperty("components") List<String> components,
      @JsonProperty("keyring") String keyring,
      @JsonProperty("keys") List<String> keys,
      @JsonProperty("from") String from,
      @JsonProperty("priority") Integer priority,
      @JsonProperty("tag") String tag) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("repository name '" + name + "' must be letters, digits, '.', '_' or '-'");
    }
    if (!DEBIAN.equals(type) && !ALPINE.equals(type)) {
      throw new IllegalArgumentException("repository " + name + ": type must be 'debian' or 'alpine', not '" + type + "'");
    }
    if (priority != null && !DEBIAN.equals(type)) {
      throw new IllegalArgumentException("repository " + name + ": priority is an apt pin priority and takes a debian"
          + " repository; remove it");
    }
    if (priority != null && (priority == 0 || priority < Short.MIN_VALUE || priority > Short.MAX_VALUE)) {
      throw new IllegalArgumentException("repository " + name + ": priority " + priority + " is not an apt pin priority;"
          + " use a non-zero number from -32768 to 32767 (such as 990 to prefer it, 100 for a backports suite, -1 never)");
    }
    this.priority = priority;
    if (tag != null && (!ALPINE.equals(type) || from != null || !tag.matches("[A-Za-z0-9][A-Za-z0-9._-]*"))) {
      throw new IllegalArgumentException("repository " + name + ": tag '" + tag + "' "
          + (!ALPINE.equals(type) ? "is for alpine repositories; remove it"
              : from != null ? "cannot be set on a from: base entry; remove it"
              : "must be letters, digits, '.', '_' or '-', such as edge"));
    }
    this.tag = tag;
    if (from != null) {
      if (!FROM_BASE.equals(from)) {
        throw new IllegalArgumentException("repository " + name + ": from must be 'base' (the repositories the base image names), not '" + from + "'");
      }
      if (url != null || suite != null || components != null || keyring != null || keys != null) {
        throw new IllegalArgumentException("repository " + name + ": with from: base the base names url, suite, components and keys; remove "
            + String.join(", ", java.util.stream.Stream.of(url == null ? null : "url", suite == null ? null : "suite",
                components == null ? null : "components", keyring == null ? null : "keyring", keys == null ? null : "keys")
                .filter(java.util.Objects::nonNull).toList()));
      }
      this.name = name;
      this.type = type;
      this.url = null;
      this.suite = null;
      this.components = null;
      this.keyring = null;
      this.keys = null;
      this.from = from;
      return;
    }
    if (url != null && (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https")))) {
      throw new IllegalArgumentException("repository " + name + ": url '" + url + "' must be an http or https URL");
    }
    if (DEBIAN.equals(type)) {
      if (suite == null || !suite.matches("[A-Za-z0-9][A-Za-z0-9._/-]*") || suite.contains("..")) {
        throw new IllegalArgumentException("repository " + name + ": a debian repository needs a suite, such as bookworm");
      }
      if (keys != null) {
        throw new IllegalArgumentException("repository " + name + ": debian repositories take 'keyring', not 'keys'");
      }
      components = components == null || components.isEmpty() ? List.of("main") : List.copyOf(components);
      for (String c : components) {
        if (!c.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
          throw new IllegalArgumentException("repository " + name + ": component '" + c + "' is not a valid name");
        }
      }
    } else {
      if (url == null) {
        throw new IllegalArgumentException("repository " + name + ": an alpine repository needs a url, such as https://dl-cdn.alpinelinux.org/alpine/v3.20/main");
      }
      if (keys == null || keys.isEmpty()) {
        throw new IllegalArgumentException("repository " + name + ": an alpine repository needs keys (PEM RSA public keys: paths relative to the spec, or https URLs)");
      }
      if (suite != null || components != null || keyring != null) {
        throw new IllegalArgumentException("repository " + name + ": alpine repositories take url and keys only");
      }
      keys = List.copyOf(keys);
    }
    this.name = name;
    this.type = type;
    this.url = url;
    this.suite = suite;
    this.components = components;
    this.keyring = keyring;
    this.keys = keys;
    this.from = null;
  }
}
