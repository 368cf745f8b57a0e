package dev.sealbuild.prep.alpine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds Alpine v2 packages and signed APKINDEX.tar.gz files the way abuild and abuild-sign do, for tests:
 * a signature stream (cut tar with {@code .SIGN.RSA.<key>} / {@code .SIGN.RSA256.<key>} over the raw
 * control stream), a control stream (cut tar with {@code .PKGINFO} carrying {@code datahash} and
 * optional scripts) and a data stream (full tar.gz whose regular files and symlinks carry
 * {@code APK-TOOLS.checksum.SHA1} PAX headers). The produced index records are what {@code apk index}
 * writes for the same packages (checked against the real apk in tests), so a local HTTP server serving
 * {@link #index} and {@link BuiltApk#bytes} looks like an Alpine mirror.
 *
 * <pre>{@code
 * TestApkBuilder.SigningKey key = TestApkBuilder.newKey("test@example.org-0001.rsa.pub");
 * BuiltApk hello = TestApkBuilder.pkg("hello", "1.0-r0").depends("so:libc.musl-x86_64.so.1")
 *     .file("usr/bin/hello", "#!/bin/sh\necho hi\n".getBytes(UTF_8), 0755).build(key);
 * byte[] index = TestApkBuilder.index(List.of(hello.indexEntry()), "test repo", key);
 * }</pre>
 */
public final class TestApkBuilder {
  /** An RSA key pair whose public half is known to apk by {@code name} (its key file name). */
  public record SigningKey(String name, KeyPair keyPair) {
    public String publicPem() {
      String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(keyPair.getPublic().getEncoded());
      return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
    }

    public ApkKeyring keyring() {
      return ApkKeyring.fromPem(Map.of(name, publicPem()));
    }
  }

  /** The three gzip streams of a package (signature may be empty) and its index record. */
  public record BuiltApk(byte[] signature, byte[] control, byte[] data, ApkPackage indexEntry) {
    public byte[] bytes() {
      return concat(signature, control, data);
    }

    public String fileName() {
      return indexEntry.fileName();
    }
  }

  /** One data entry: type '0' file, '2' symlink, '5' directory, '1' hard link. */
  public record DataEntry(String path, char type, int mode, byte[] content, String linkTarget) {
  }

  private final String name;
  private final String version;
  private String arch = "x86_64";
  private String description = "test package";
  private String url = "https://example.org/";
  private String license = "MIT";
  private String origin;
  private String maintainer = "Test <test@example.org>";
  private long buildDate = 1700000000L;
  private String commit = "";
  private final List<String> depends = new ArrayList<>();
  private final List<String> provides = new ArrayList<>();
  private final List<String> installIf = new ArrayList<>();
  private int providerPriority;
  private final List<DataEntry> entries = new ArrayList<>();
  private final List<String[]> scripts = new ArrayList<>();
  private final List<String> extraPkgInfo = new ArrayList<>();
  private String signatureType = "RSA";
  private byte[] rawDataTar;
  private final List<TarItem> extraControl = new ArrayList<>();

  private TestApkBuilder(String name, String version) {
    this.name = name;
    this.version = version;
    this.origin = name;
  }

  public static TestApkBuilder pkg(String name, String version) {
    return new TestApkBuilder(name, version);
  }

  /** A fresh 2048-bit RSA key named like an Alpine key file. */
  public static SigningKey newKey(String name) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return new SigningKey(name, generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public TestApkBuilder arch(String arch) {
    this.arch = arch;
    return this;
  }

  public TestApkBuilder description(String description) {
    this.description = description;
    return this;
  }

  public TestApkBuilder buildDate(long buildDate) {
    this.buildDate = buildDate;
    return this;
  }

  public TestApkBuilder commit(String commit) {
    this.commit = commit;
    return this;
  }

  public TestApkBuilder depends(String... atoms) {
    depends.addAll(List.of(atoms));
    return this;
  }

  public TestApkBuilder provides(String... atoms) {
    provides.addAll(List.of(atoms));
    return this;
  }

  public TestApkBuilder installIf(String... atoms) {
    installIf.addAll(List.of(atoms));
    return this;
  }

  public TestApkBuilder providerPriority(int priority) {
    this.providerPriority = priority;
    return this;
  }

  /** Signs with {@code .SIGN.RSA256.} (SHA-256) instead of {@code .SIGN.RSA.} (SHA-1). */
  public TestApkBuilder sha256Signature() {
    this.signatureType = "RSA256";
    return this;
  }

  /** An extra raw {@code key = value} line in .PKGINFO (for tampering tests). */
  public TestApkBuilder pkgInfoLine(String line) {
    extraPkgInfo.add(line);
    return this;
  }

  public TestApkBuilder dir(String path) {
    entries.add(new DataEntry(path, '5', 0755, new byte[0], ""));
    return this;
  }

  public TestApkBuilder file(String path, byte[] content, int mode) {
    entries.add(new DataEntry(path, '0', mode, content, ""));
    return this;
  }

  public TestApkBuilder file(String path, String content) {
    return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  public TestApkBuilder symlink(String path, String target) {
    entries.add(new DataEntry(path, '2', 0777, new byte[0], target));
    return this;
  }

  /** An install script such as {@code .post-install}. */
  public TestApkBuilder script(String name, String content) {
    scripts.add(new String[] {name, content});
    return this;
  }

  /** Uses this tar (e.g. a hand-crafted hostile one) as the data stream instead of the declared entries. */
  public TestApkBuilder rawDataTar(byte[] tar) {
    this.rawDataTar = tar;
    return this;
  }

  /** Adds an arbitrary entry to the control stream (e.g. a file that does not belong there). */
  public TestApkBuilder controlEntry(TarItem item) {
    extraControl.add(item);
    return this;
  }

  /** Builds a package signed with {@code key}, or unsigned if {@code key} is null. */
  public BuiltApk build(SigningKey key) {
    byte[] data = gzip(rawDataTar != null ? rawDataTar : dataTar());
    String dataHash = HexFormat.of().formatHex(digest("SHA-256", data));
    byte[] control = gzip(controlTar(pkgInfo(dataHash)));
    byte[] signature = key == null ? new byte[0] : signatureStream(key, signatureType, control);
    long size = signature.length + control.length + data.length;
    ApkPackage entry = new ApkPackage(ApkChecksum.q1(digest("SHA-1", control)), name, version, arch, size,
        installedSize(), description, url, license, origin, maintainer, buildDate, commit,
        atoms(depends), atoms(provides), atoms(installIf), providerPriority, List.of(), 0, true);
    return new BuiltApk(signature, control, data, entry);
  }

  /** A signed APKINDEX.tar.gz listing {@code packages}, as {@code apk index} + {@code abuild-sign}. */
  public static byte[] index(List<ApkPackage> packages, String description, SigningKey key) {
    byte[] indexStream = unsignedIndex(packages, description);
    return concat(signatureStream(key, "RSA", indexStream), indexStream);
  }

  /** The index stream alone: a gzip of a tar with DESCRIPTION and APKINDEX (what {@code apk index} writes). */
  public static byte[] unsignedIndex(List<ApkPackage> packages, String description) {
    return gzip(tar(List.of(
        regular("DESCRIPTION", description.getBytes(StandardCharsets.UTF_8), Map.of()),
        regular("APKINDEX", indexText(packages).getBytes(StandardCharsets.UTF_8), Map.of())), false));
  }

  /** APKINDEX text as {@code apk index} writes it: records sorted by name, fields in apk's order. */
  public static String indexText(List<ApkPackage> packages) {
    List<ApkPackage> sorted = new ArrayList<>(packages);
    sorted.sort(Comparator.comparing(ApkPackage::name)
        .thenComparing((a, b) -> ApkVersion.compare(a.version(), b.version())));
    StringBuilder out = new StringBuilder();
    for (ApkPackage p : sorted) {
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
      if (p.providerPriority() != 0) {
        out.append("k:").append(p.providerPriority()).append('\n');
      }
      deps(out, "D", p.depends());
      deps(out, "p", p.provides());
      deps(out, "i", p.installIf());
      out.append('\n');
    }
    return out.toString();
  }

  /** A signature stream: a cut tar holding {@code .SIGN.<type>.<key>} signing {@code signed}. */
  public static byte[] signatureStream(SigningKey key, String type, byte[] signed) {
    String algorithm = switch (type) {
      case "RSA" -> "SHA1withRSA";
      case "RSA256" -> "SHA256withRSA";
      case "RSA512" -> "SHA512withRSA";
      default -> throw new IllegalArgumentException(type);
    };
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key.keyPair().getPrivate());
      signer.update(signed);
      byte[] signature = signer.sign();
      return gzip(tar(List.of(regular(".SIGN." + type + "." + key.name(), signature, Map.of())), true));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A tar entry to write with {@link #tar}. */
  public record TarItem(TarArchiveEntry entry, byte[] content) {
  }

  public static TarItem regular(String name, byte[] content, Map<String, String> pax) {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(content.length);
    entry.setMode(0100644);
    entry.setModTime(0);
    entry.setUserName("root");
    entry.setGroupName("root");
    pax.forEach(entry::addPaxHeader);
    return new TarItem(entry, content);
  }

  /** Writes a POSIX tar; {@code cut} drops the end-of-archive blocks, as {@code abuild-tar --cut}. */
  public static byte[] tar(List<TarItem> items, boolean cut) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, TarStream.BLOCK)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (TarItem item : items) {
        tar.putArchiveEntry(item.entry());
        tar.write(item.content());
        tar.closeArchiveEntry();
      }
      tar.flush();
      int end = out.size();
      tar.finish();
      byte[] bytes = out.toByteArray();
      if (bytes.length != end + 2 * TarStream.BLOCK) {
        throw new IllegalStateException("unexpected tar trailer length " + (bytes.length - end));
      }
      return cut ? Arrays.copyOf(bytes, end) : bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] gzip(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  public static byte[] digest(String algorithm, byte[] bytes) {
    try {
      return MessageDigest.getInstance(algorithm).digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private String pkgInfo(String dataHash) {
    StringBuilder out = new StringBuilder("# Generated by sealbuild TestApkBuilder\n");
    out.append("pkgname = ").append(name).append('\n');
    out.append("pkgver = ").append(version).append('\n');
    out.append("pkgdesc = ").append(description).append('\n');
    out.append("url = ").append(url).append('\n');
    out.append("builddate = ").append(buildDate).append('\n');
    out.append("packager = ").append(maintainer).append('\n');
    out.append("size = ").append(installedSize()).append('\n');
    out.append("arch = ").append(arch).append('\n');
    out.append("origin = ").append(origin).append('\n');
    if (!commit.isEmpty()) {
      out.append("commit = ").append(commit).append('\n');
    }
    out.append("maintainer = ").append(maintainer).append('\n');
    out.append("license = ").append(license).append('\n');
    if (providerPriority != 0) {
      out.append("provider_priority = ").append(providerPriority).append('\n');
    }
    provides.forEach(p -> out.append("provides = ").append(p).append('\n'));
    depends.forEach(d -> out.append("depend = ").append(d).append('\n'));
    if (!installIf.isEmpty()) {
      out.append("install_if = ").append(String.join(" ", installIf)).append('\n');
    }
    extraPkgInfo.forEach(line -> out.append(line).append('\n'));
    out.append("datahash = ").append(dataHash).append('\n');
    return out.toString();
  }

  private byte[] controlTar(String pkgInfo) {
    List<TarItem> items = new ArrayList<>();
    items.add(regular(".PKGINFO", pkgInfo.getBytes(StandardCharsets.UTF_8), Map.of()));
    for (String[] script : scripts) {
      TarItem item = regular(script[0], script[1].getBytes(StandardCharsets.UTF_8), Map.of());
      item.entry().setMode(0100755);
      items.add(item);
    }
    items.addAll(extraControl);
    return tar(items, true);
  }

  private byte[] dataTar() {
    List<TarItem> items = new ArrayList<>();
    for (DataEntry e : entries) {
      TarArchiveEntry entry;
      byte[] content = new byte[0];
      switch (e.type()) {
        case '5' -> {
          entry = new TarArchiveEntry(e.path() + "/");
          entry.setMode(040000 | e.mode());
        }
        case '2' -> {
          entry = new TarArchiveEntry(e.path(), TarConstants.LF_SYMLINK);
          entry.setLinkName(e.linkTarget());
          entry.setMode(0120000 | e.mode());
          entry.addPaxHeader("APK-TOOLS.checksum.SHA1", sha1Hex(e.linkTarget().getBytes(StandardCharsets.UTF_8)));
        }
        case '0' -> {
          entry = new TarArchiveEntry(e.path());
          entry.setMode(0100000 | e.mode());
          entry.setSize(e.content().length);
          entry.addPaxHeader("APK-TOOLS.checksum.SHA1", sha1Hex(e.content()));
          content = e.content();
        }
        default -> throw new IllegalArgumentException("unsupported test entry type " + e.type());
      }
      entry.setModTime(buildDate * 1000);
      entry.setUserName("root");
      entry.setGroupName("root");
      items.add(new TarItem(entry, content));
    }
    return tar(items, false);
  }

  private long installedSize() {
    long total = 0;
    for (DataEntry e : entries) {
      total += (e.content().length + 4095) / 4096 * 4096;
    }
    return total;
  }

  private static List<ApkDependency> atoms(List<String> atoms) {
    return atoms.stream().map(ApkDependency::parse).toList();
  }

  private static String sha1Hex(byte[] bytes) {
    return HexFormat.of().formatHex(digest("SHA-1", bytes));
  }

  private static void line(StringBuilder out, String field, String value) {
    if (!value.isEmpty()) {
      out.append(field).append(':').append(value).append('\n');
    }
  }

  private static void deps(StringBuilder out, String field, List<ApkDependency> deps) {
    if (!deps.isEmpty()) {
      out.append(field).append(':').append(String.join(" ", deps.stream().map(ApkDependency::toString).toList()))
          .append('\n');
    }
  }
}
