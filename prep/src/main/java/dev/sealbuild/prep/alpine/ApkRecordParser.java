package dev.sealbuild.prep.alpine;

import dev.sealbuild.formats.apk.ApkFormatException;
import dev.sealbuild.formats.apk.ApkRecords;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the package records shared by {@code APKINDEX} and {@code lib/apk/db/installed} ({@link ApkRecords}: {@code
 * X:value} lines, records separated by blank lines) into typed packages. Per-file lines of the installed database
 * ({@code F R a M Z}) and unknown lower-case fields are skipped, as apk does; an unknown upper-case field
 * makes the package uninstallable, as in apk. Multiple {@code D:}, {@code p:}, {@code i:}, {@code r:}
 * lines accumulate; for other fields the last line wins.
 */
final class ApkRecordParser {
  private final String source;

  ApkRecordParser(String source) {
    this.source = source;
  }

  List<ApkPackage> parse(String text) {
    List<ApkRecords.Record> records;
    try {
      records = ApkRecords.parse(text, source);
    } catch (ApkFormatException e) {
      throw new ApkException(e.getMessage());
    }
    List<ApkPackage> packages = new ArrayList<>();
    for (ApkRecords.Record record : records) {
      Builder current = new Builder(record.firstLine());
      for (ApkRecords.Field field : record.fields()) {
        current.add(field.key(), field.value(), field.line());
      }
      packages.add(current.build());
    }
    return List.copyOf(packages);
  }

  private final class Builder {
    private final int firstLine;
    private String checksum;
    private String name;
    private String version;
    private String arch;
    private long size;
    private long installedSize;
    private String description;
    private String url;
    private String license;
    private String origin;
    private String maintainer;
    private long buildTime;
    private String commit;
    private final List<ApkDependency> depends = new ArrayList<>();
    private final List<ApkDependency> provides = new ArrayList<>();
    private final List<ApkDependency> installIf = new ArrayList<>();
    private int providerPriority;
    private final List<ApkDependency> replaces = new ArrayList<>();
    private int replacesPriority;
    private boolean installable = true;

    Builder(int firstLine) {
      this.firstLine = firstLine;
    }

    void add(char field, String value, int line) {
      try {
        switch (field) {
          case 'C' -> checksum = value;
          case 'P' -> name = value;
          case 'V' -> version = value;
          case 'A' -> arch = value;
          case 'S' -> size = number(value, Long.MAX_VALUE);
          case 'I' -> installedSize = number(value, Long.MAX_VALUE);
          case 'T' -> description = value;
          case 'U' -> url = value;
          case 'L' -> license = value;
          case 'o' -> origin = value;
          case 'm' -> maintainer = value;
          case 't' -> buildTime = number(value, Long.MAX_VALUE);
          case 'c' -> commit = value;
          case 'D' -> depends.addAll(ApkDependency.parseList(value));
          case 'p' -> provides.addAll(provideList(value));
          case 'i' -> installIf.addAll(ApkDependency.parseList(value));
          case 'k' -> providerPriority = (int) number(value, Integer.MAX_VALUE);
          case 'r' -> replaces.addAll(ApkDependency.parseList(value));
          case 'q' -> replacesPriority = (int) number(value, Integer.MAX_VALUE);
          case 'F', 'R', 'a', 'M', 'Z', 's', 'f' -> { }
          default -> {
            if (!Character.isLowerCase(field)) {
              installable = false;
            }
          }
        }
      } catch (ApkException e) {
        throw new ApkException("line " + line + " (" + field + ":) of " + describe() + " in " + source + ": "
            + e.getMessage());
      }
    }

    private List<ApkDependency> provideList(String value) {
      List<ApkDependency> list = ApkDependency.parseList(value);
      for (ApkDependency provide : list) {
        if (provide.conflict() || (provide.op() != ApkVersionOp.ANY && provide.op() != ApkVersionOp.EQUAL)) {
          throw new ApkException("provides entry '" + Texts.abbreviate(provide.toString())
              + "' must be name or name=version");
        }
      }
      return list;
    }

    private String describe() {
      return name == null ? "the record starting at line " + firstLine : "package '" + Texts.abbreviate(name) + "'";
    }

    ApkPackage build() {
      if (name == null || name.isEmpty()) {
        throw new ApkException("record starting at line " + firstLine + " in " + source + " has no P: (name)");
      }
      if (version == null || !ApkVersion.isValid(version)) {
        throw new ApkException(describe() + " in " + source + " has a missing or invalid V: (version) '"
            + Texts.abbreviate(String.valueOf(version)) + "'");
      }
      if (checksum == null) {
        throw new ApkException(describe() + " in " + source + " has no C: (checksum)");
      }
      ApkChecksum.parse(checksum, describe() + " in " + source);
      for (int i = 0; i < name.length(); i++) {
        if (name.charAt(i) <= ' ' || "<>=~!@".indexOf(name.charAt(i)) >= 0) {
          throw new ApkException(describe() + " in " + source + " has an invalid name");
        }
      }
      return new ApkPackage(checksum, name, version, arch, size, installedSize, description, url, license,
          origin, maintainer, buildTime, commit, depends, provides, installIf, providerPriority, replaces,
          replacesPriority, installable);
    }
  }

  private static long number(String value, long max) {
    if (value.isEmpty() || value.length() > 19) {
      throw new ApkException("expected a number, got '" + Texts.abbreviate(value) + "'");
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        throw new ApkException("expected a number, got '" + Texts.abbreviate(value) + "'");
      }
    }
    long n = Long.parseLong(value);
    if (n > max) {
      throw new ApkException("number too large: " + value);
    }
    return n;
  }
}
