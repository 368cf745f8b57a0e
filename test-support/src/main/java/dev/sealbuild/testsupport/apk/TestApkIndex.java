package dev.sealbuild.testsupport.apk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** APKINDEX.tar.gz files as {@code apk index} and {@code abuild-sign} write them, from the records {@link TestApk} makes. */
public final class TestApkIndex {
  private TestApkIndex() {}

  /**
   * One package record of an index. Dependencies are apk atoms as given ({@code so:libc.musl-x86_64.so.1},
   * {@code hello>=1.0}).
   *
   * @param checksum {@code Q1} + base64 SHA-1 of the package's control gzip stream
   * @param size the size of the .apk file
   */
  public record Entry(String checksum, String name, String version, String arch, long size, long installedSize,
      String description, String url, String license, String origin, String maintainer, long buildTime,
      String commit, List<String> depends, List<String> provides, List<String> installIf) {
    public Entry {
      depends = List.copyOf(depends);
      provides = List.copyOf(provides);
      installIf = List.copyOf(installIf);
    }

    public String fileName() {
      return name + "-" + version + ".apk";
    }
  }

  /** A signed (SHA-1, {@code .SIGN.RSA.}) APKINDEX.tar.gz listing {@code entries}. */
  public static byte[] signed(List<Entry> entries, String description, SigningKey key) {
    byte[] indexStream = unsigned(entries, description);
    return ApkStreams.concat(ApkStreams.signatureStream(key, "RSA", indexStream), indexStream);
  }

  /** The index stream alone: a gzip of a tar with DESCRIPTION and APKINDEX (what {@code apk index} writes). */
  public static byte[] unsigned(List<Entry> entries, String description) {
    return ApkStreams.gzip(ApkStreams.tar(List.of(
        ApkStreams.regular("DESCRIPTION", description.getBytes(StandardCharsets.UTF_8), Map.of()),
        ApkStreams.regular("APKINDEX", text(entries).getBytes(StandardCharsets.UTF_8), Map.of())), false));
  }

  /**
   * APKINDEX text as {@code apk index} writes it: records sorted by name, fields in apk's order. Records of one name
   * keep the order given (apk sorts them by version; no test needs two versions of a name in one index).
   */
  public static String text(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(Entry::name));
    StringBuilder out = new StringBuilder();
    for (Entry p : sorted) {
      out.append("C:").append(p.checksum()).append('\n');
      out.append("P:").append(p.name()).append('\n');
      out.append("V:").append(p.version()).append('\n');
      line(out, "A", p.arch());
      out.append("S:").append(p.size()).append('\n');
      out.append("I:").append(p.installedSize()).append('\n');
      out.append("T:").append(p.description()).append('\n');
      out.append("U:").append(p.url()).append('\n');
      out.append("L:").append(p.license()).append('\n');
      line(out, "o", p.origin());
      line(out, "m", p.maintainer());
      if (p.buildTime() != 0) {
        out.append("t:").append(p.buildTime()).append('\n');
      }
      line(out, "c", p.commit());
      line(out, "D", String.join(" ", p.depends()));
      line(out, "p", String.join(" ", p.provides()));
      line(out, "i", String.join(" ", p.installIf()));
      out.append('\n');
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String field, String value) {
    if (!value.isEmpty()) {
      out.append(field).append(':').append(value).append('\n');
    }
  }
}
