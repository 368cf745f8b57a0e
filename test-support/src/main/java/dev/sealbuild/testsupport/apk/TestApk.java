package dev.sealbuild.testsupport.apk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds an unsigned Alpine v2 package as abuild lays one out: a control stream (a tar cut before its
 * end-of-archive blocks, gzip) with {@code .PKGINFO} and scripts, then a data stream (a whole tar, gzip)
 * whose files and symlinks carry {@code APK-TOOLS.checksum.SHA1}. The real apk installs these with
 * {@code --allow-untrusted}. {@link #dataItem} adds raw entries for hostile tests.
 */
public final class TestApk {
  /** The PAX header apk reads a file's SHA-1 from. */
  public static final String CHECKSUM_KEY = "APK-TOOLS.checksum.SHA1";

  public static final long BUILD_DATE = 1_650_000_000L;
  private final String name;
  private final String version;
  private final List<String> pkgInfo = new ArrayList<>();
  private final List<TarArchiveEntry> controlEntries = new ArrayList<>();
  private final List<byte[]> controlContents = new ArrayList<>();
  private final List<TarArchiveEntry> dataEntries = new ArrayList<>();
  private final List<byte[]> dataContents = new ArrayList<>();
  private boolean withPkgInfo = true;

  /** The built package: its bytes and the Q1 checksum of its control stream (the index's C:). */
  public record Built(String name, String version, byte[] bytes, String checksum) {
    public String fileName() {
      return name + "-" + version + ".apk";
    }
  }

  private TestApk(String name, String version) {
    this.name = name;
    this.version = version;
  }

  public static TestApk pkg(String name, String version) {
    return new TestApk(name, version);
  }

  /** A .PKGINFO line such as {@code depend = foo}, after the standard ones. */
  public TestApk info(String key, String value) {
    pkgInfo.add(key + " = " + value);
    return this;
  }

  public TestApk noPkgInfo() {
    withPkgInfo = false;
    return this;
  }

  public TestApk script(String type, String text) {
    TarArchiveEntry e = entry("." + type, TarConstants.LF_NORMAL, 0100755, "root", "root");
    controlEntries.add(e);
    controlContents.add(text.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  public TestApk dir(String path, int mode, String user, String group) {
    return dataItem(entry(path + "/", TarConstants.LF_DIR, 040000 | mode, user, group), new byte[0]);
  }

  public TestApk dir(String path) {
    return dir(path, 0755, "root", "root");
  }

  public TestApk file(String path, String content, int mode, String user, String group) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = entry(path, TarConstants.LF_NORMAL, 0100000 | mode, user, group);
    e.setSize(bytes.length);
    e.addPaxHeader(CHECKSUM_KEY, HexFormat.of().formatHex(digest("SHA-1", bytes)));
    return dataItem(e, bytes);
  }

  public TestApk file(String path, String content) {
    return file(path, content, 0644, "root", "root");
  }

  public TestApk symlink(String path, String target) {
    TarArchiveEntry e = entry(path, TarConstants.LF_SYMLINK, 0120777, "root", "root");
    e.setLinkName(target);
    e.addPaxHeader(CHECKSUM_KEY, HexFormat.of().formatHex(digest("SHA-1", target.getBytes(StandardCharsets.UTF_8))));
    return dataItem(e, new byte[0]);
  }

  public TestApk hardlink(String path, String target, int mode) {
    TarArchiveEntry e = entry(path, TarConstants.LF_LINK, 0100000 | mode, "root", "root");
    e.setLinkName(target);
    return dataItem(e, new byte[0]);
  }

  /** Any data entry, as given (hostile tests). */
  public TestApk dataItem(TarArchiveEntry entry, byte[] content) {
    dataEntries.add(entry);
    dataContents.add(content);
    return this;
  }

  public static TarArchiveEntry entry(String path, byte type, int mode, String user, String group) {
    TarArchiveEntry e = new TarArchiveEntry(path, type);
    e.setMode(mode);
    e.setModTime(BUILD_DATE * 1000);
    e.setUserName(user);
    e.setGroupName(group);
    // Numbers a build machine could have had; apk maps owners by name through the image's accounts.
    e.setUserId(user.equals("root") ? 0 : 4242);
    e.setGroupId(group.equals("root") ? 0 : 4242);
    return e;
  }

  public Built build() {
    byte[] data = gzip(tar(dataEntries, dataContents, false));
    List<TarArchiveEntry> control = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    if (withPkgInfo) {
      byte[] info = pkgInfoText(HexFormat.of().formatHex(digest("SHA-256", data))).getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = entry(".PKGINFO", TarConstants.LF_NORMAL, 0100644, "root", "root");
      e.setSize(info.length);
      control.add(e);
      contents.add(info);
    }
    control.addAll(controlEntries);
    contents.addAll(controlContents);
    for (int i = 0; i < control.size(); i++) {
      control.get(i).setSize(contents.get(i).length);
    }
    byte[] controlStream = gzip(tar(control, contents, true));
    String q1 = "Q1" + Base64.getEncoder().encodeToString(digest("SHA-1", controlStream));
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(controlStream);
    all.writeBytes(data);
    return new Built(name, version, all.toByteArray(), q1);
  }

  private String pkgInfoText(String dataHash) {
    long size = 0;
    for (byte[] c : dataContents) {
      size += (c.length + 4095) / 4096 * 4096;
    }
    StringBuilder b = new StringBuilder("# Generated by sealbuild TestApk\n");
    b.append("pkgname = ").append(name).append('\n');
    b.append("pkgver = ").append(version).append('\n');
    b.append("pkgdesc = test package ").append(name).append('\n');
    b.append("url = https://example.org/").append(name).append('\n');
    b.append("builddate = ").append(BUILD_DATE).append('\n');
    b.append("packager = Test <test@example.org>\n");
    b.append("size = ").append(size).append('\n');
    b.append("arch = x86_64\n");
    b.append("origin = ").append(name).append('\n');
    b.append("maintainer = Test <test@example.org>\n");
    b.append("license = MIT\n");
    pkgInfo.forEach(l -> b.append(l).append('\n'));
    b.append("datahash = ").append(dataHash).append('\n');
    return b.toString();
  }

  private static byte[] tar(List<TarArchiveEntry> entries, List<byte[]> contents, boolean cut) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 512)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (int i = 0; i < entries.size(); i++) {
        tar.putArchiveEntry(entries.get(i));
        tar.write(contents.get(i));
        tar.closeArchiveEntry();
      }
      tar.flush();
      int end = out.size();
      tar.finish();
      return cut ? Arrays.copyOf(out.toByteArray(), end) : out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] digest(String algorithm, byte[] bytes) {
    try {
      return MessageDigest.getInstance(algorithm).digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
