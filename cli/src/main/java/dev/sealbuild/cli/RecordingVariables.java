package dev.sealbuild.cli;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The environment as the spec reader sees it, remembering each variable it looked up and the value it got (null:
 * unset): an image recorded for these inputs is valid only while they keep those values. A reader that lists every
 * variable instead of looking names up makes the record impossible ({@link #complete()} false).
 */
final class RecordingVariables extends AbstractMap<String, String> {
  private final Map<String, String> variables;
  private final Map<String, String> read = new TreeMap<>();
  private boolean listed;

  RecordingVariables(Map<String, String> variables) {
    this.variables = variables;
  }

  @Override
  public String get(Object key) {
    String value = variables.get(key);
    if (key instanceof String name) {
      read.put(name, value);
    }
    return value;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    listed = true;
    return variables.entrySet();
  }

  /** The variables looked up, by name, with the values they had. */
  Map<String, String> read() {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(read));
  }

  boolean complete() {
    return !listed;
  }
}
