package dev.sealbuild.testsupport.apk;

import dev.sealbuild.testsupport.apk.ApkStreams.TarItem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds Alpine v2 packages the way abuild and abuild-sign do, for tests: a signature stream (cut tar with
 * {@code .SIGN.RSA.<key>} / {@code .SIGN.RSA256.<key>} over the raw control stream; none if unsigned), a control
 * stream (cut tar with {@code .PKGINFO} carrying {@code datahash}, and scripts) and a data stream (full tar.gz whose
 * regular files and symlinks carry {@code APK-TOOLS.checksum.SHA1} PAX headers). The index record it returns is
 * what {@code apk index} writes for the package (checked against the real apk in prep's tests), so a local HTTP
 * server serving {@link TestApkIndex#signed} and {@link Built#bytes} looks like an Alpine mirror. {@link #dataItem},
 * {@link #rawDataTar} and {@link #controlEntry} make hostile packages.
 *
 * <pre>{@code
 * SigningKey key = SigningKey.generate("test@example.org-0001.rsa.pub");
 * TestApk.Built hello = TestApk.pkg("hello", "1.0-r0").depends("so:libc.musl-x86_64.so.1")
 *     .file("usr/bin/hello", "#!/bin/sh\necho hi\n".getBytes(UTF_8), 0755).build(key);
 * byte[] index = TestApkIndex.signed(List.of(hello.indexEntry()), "test repo", key);
 * }</pre>
 */
public final class TestApk {
  /** The PAX header apk reads a file's SHA-1 from. */
  public static final String CHECKSUM_KEY = "APK-TOOLS.checksum.SHA1";
  /** The build date of every package, and the mtime of its data entries. */
  public static final long BUILD_DATE = 1_700_000_000L;
  private static final String ARCH = "x86_64";
  private static final String MAINTAINER = "Test <test@example.org>";
  private static final String URL = "https://example.org/";
  private static final String LICENSE = "MIT";

  /** The three gzip streams of a package (signature is empty if unsigned) and its index record. */
  public record Built(byte[] signature, byte[] control, byte[] data, TestApkIndex.Entry indexEntry) {
    public byte[] bytes() {
      return ApkStreams.concat(signature, control, data);
    }

    public String name() {
      return indexEntry.name();
    }

    public String version() {
      return indexEntry.version();
    }

    /** The Q1 checksum of the control stream (the index's C:, the lock's control checksum). */
    public String checksum() {
      return indexEntry.checksum();
    }

    public String fileName() {
      return indexEntry.fileName();
    }
  }

  private final String name;
  private final String version;
  private String description = "test package";
  private String commit = "";
  private final List<String> depends = new ArrayList<>();
  private final List<String> provides = new ArrayList<>();
  private final List<String> installIf = new ArrayList<>();
  private final List<String> extraPkgInfo = new ArrayList<>();
  private boolean withPkgInfo = true;
  private final List<TarItem> scripts = new ArrayList<>();
  private final List<TarItem> extraControl = new ArrayList<>();
  private final List<TarItem> data = new ArrayList<>();
  private byte[] rawDataTar;
  private String signatureType = "RSA";

  private TestApk(String name, String version) {
    this.name = name;
    this.version = version;
  }

  public static TestApk pkg(String name, String version) {
    return new TestApk(name, version);
  }

  public TestApk description(String description) {
    this.description = description;
    return this;
  }

  public TestApk commit(String commit) {
    this.commit = commit;
    return this;
  }

  /** Dependencies, in .PKGINFO and in the index record. */
  public TestApk depends(String... atoms) {
    depends.addAll(List.of(atoms));
    return this;
  }

  public TestApk provides(String... atoms) {
    provides.addAll(List.of(atoms));
    return this;
  }

  public TestApk installIf(String... atoms) {
    installIf.addAll(List.of(atoms));
    return this;
  }

  /** A raw .PKGINFO line such as {@code replaces = foo}, after the standard ones; the index record does not see it. */
  public TestApk info(String key, String value) {
    extraPkgInfo.add(key + " = " + value);
    return this;
  }

  /** Leaves .PKGINFO out of the control stream. */
  public TestApk noPkgInfo() {
    withPkgInfo = false;
    return this;
  }

  /** Signs with {@code .SIGN.RSA256.} (SHA-256) instead of {@code .SIGN.RSA.} (SHA-1). */
  public TestApk sha256Signature() {
    this.signatureType = "RSA256";
    return this;
  }

  /** An install script, e.g. {@code script("post-install", ...)} for {@code .post-install}. */
  public TestApk script(String type, String text) {
    TarItem item = ApkStreams.regular("." + type, text.getBytes(StandardCharsets.UTF_8), Map.of());
    item.entry().setMode(0100755);
    scripts.add(item);
    return this;
  }

  /** Adds an arbitrary entry to the control stream (e.g. a file that does not belong there). */
  public TestApk controlEntry(TarItem item) {
    extraControl.add(item);
    return this;
  }

  public TestApk dir(String path, int mode, String user, String group) {
    return dataItem(entry(path + "/", TarConstants.LF_DIR, 040000 | mode, user, group), new byte[0]);
  }

  public TestApk dir(String path) {
    return dir(path, 0755, "root", "root");
  }

  public TestApk file(String path, byte[] content, int mode, String user, String group) {
    TarArchiveEntry e = entry(path, TarConstants.LF_NORMAL, 0100000 | mode, user, group);
    e.setSize(content.length);
    e.addPaxHeader(CHECKSUM_KEY, sha1Hex(content));
    return dataItem(e, content);
  }

  public TestApk file(String path, String content, int mode, String user, String group) {
    return file(path, content.getBytes(StandardCharsets.UTF_8), mode, user, group);
  }

  public TestApk file(String path, byte[] content, int mode) {
    return file(path, content, mode, "root", "root");
  }

  public TestApk file(String path, String content) {
    return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  public TestApk symlink(String path, String target) {
    TarArchiveEntry e = entry(path, TarConstants.LF_SYMLINK, 0120777, "root", "root");
    e.setLinkName(target);
    e.addPaxHeader(CHECKSUM_KEY, sha1Hex(target.getBytes(StandardCharsets.UTF_8)));
    return dataItem(e, new byte[0]);
  }

  public TestApk hardlink(String path, String target, int mode) {
    TarArchiveEntry e = entry(path, TarConstants.LF_LINK, 0100000 | mode, "root", "root");
    e.setLinkName(target);
    return dataItem(e, new byte[0]);
  }

  /** Any data entry, as given (hostile tests). */
  public TestApk dataItem(TarArchiveEntry entry, byte[] content) {
    data.add(new TarItem(entry, content));
    return this;
  }

  /** Uses this tar (e.g. a hand-crafted hostile one) as the data stream instead of the declared entries. */
  public TestApk rawDataTar(byte[] tar) {
    this.rawDataTar = tar;
    return this;
  }

  /** A data entry as abuild writes one: mtime {@link #BUILD_DATE}, owners by name (and ids a build machine had). */
  public static TarArchiveEntry entry(String path, byte type, int mode, String user, String group) {
    TarArchiveEntry e = new TarArchiveEntry(path, type);
    e.setMode(mode);
    e.setModTime(BUILD_DATE * 1000);
    e.setUserName(user);
    e.setGroupName(group);
    // apk maps owners by name through the image's accounts; the numbers are the build machine's.
    e.setUserId(user.equals("root") ? 0 : 4242);
    e.setGroupId(group.equals("root") ? 0 : 4242);
    return e;
  }

  /** Builds an unsigned package (the real apk installs it with {@code --allow-untrusted}). */
  public Built build() {
    return build(null);
  }

  /** Builds a package signed with {@code key}, or unsigned if {@code key} is null. */
  public Built build(SigningKey key) {
    byte[] dataStream = ApkStreams.gzip(rawDataTar != null ? rawDataTar : ApkStreams.tar(data, false));
    String dataHash = HexFormat.of().formatHex(ApkStreams.digest("SHA-256", dataStream));
    List<TarItem> controlItems = new ArrayList<>();
    if (withPkgInfo) {
      controlItems.add(ApkStreams.regular(".PKGINFO", pkgInfo(dataHash).getBytes(StandardCharsets.UTF_8), Map.of()));
    }
    controlItems.addAll(scripts);
    controlItems.addAll(extraControl);
    byte[] control = ApkStreams.gzip(ApkStreams.tar(controlItems, true));
    byte[] signature = key == null ? new byte[0] : ApkStreams.signatureStream(key, signatureType, control);
    String checksum = "Q1" + Base64.getEncoder().encodeToString(ApkStreams.digest("SHA-1", control));
    long size = signature.length + control.length + dataStream.length;
    TestApkIndex.Entry entry = new TestApkIndex.Entry(checksum, name, version, ARCH, size, installedSize(),
        description, URL, LICENSE, name, MAINTAINER, BUILD_DATE, commit, depends, provides, installIf);
    return new Built(signature, control, dataStream, entry);
  }

  private String pkgInfo(String dataHash) {
    StringBuilder out = new StringBuilder("# Generated by sealbuild TestApk\n");
    out.append("pkgname = ").append(name).append('\n');
    out.append("pkgver = ").append(version).append('\n');
    out.append("pkgdesc = ").append(description).append('\n');
    out.append("url = ").append(URL).append('\n');
    out.append("builddate = ").append(BUILD_DATE).append('\n');
    out.append("packager = ").append(MAINTAINER).append('\n');
    out.append("size = ").append(installedSize()).append('\n');
    out.append("arch = ").append(ARCH).append('\n');
    out.append("origin = ").append(name).append('\n');
    if (!commit.isEmpty()) {
      out.append("commit = ").append(commit).append('\n');
    }
    out.append("maintainer = ").append(MAINTAINER).append('\n');
    out.append("license = ").append(LICENSE).append('\n');
    provides.forEach(p -> out.append("provides = ").append(p).append('\n'));
    depends.forEach(d -> out.append("depend = ").append(d).append('\n'));
    if (!installIf.isEmpty()) {
      out.append("install_if = ").append(String.join(" ", installIf)).append('\n');
    }
    extraPkgInfo.forEach(line -> out.append(line).append('\n'));
    out.append("datahash = ").append(dataHash).append('\n');
    return out.toString();
  }

  /** What abuild writes as {@code size}: the file contents rounded up to 4 KiB blocks. */
  private long installedSize() {
    if (rawDataTar != null) {
      return 0;
    }
    long total = 0;
    for (TarItem item : data) {
      total += (item.content().length + 4095) / 4096 * 4096;
    }
    return total;
  }

  private static String sha1Hex(byte[] bytes) {
    return HexFormat.of().formatHex(ApkStreams.digest("SHA-1", bytes));
  }
}
