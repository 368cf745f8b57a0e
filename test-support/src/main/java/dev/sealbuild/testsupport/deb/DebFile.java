package dev.sealbuild.testsupport.deb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds a real {@code .deb} in memory, laid out as dpkg-deb writes one: an ar archive with
 * {@code debian-binary} ("2.0\n"), {@code control.tar.*} ({@code ./control}, {@code ./md5sums}) and
 * {@code data.tar.*} ({@code ./}-prefixed entries). md5sums is computed from the regular files added.
 * {@link #members()} hands out the ar members so hostile tests can reorder, rename or damage them.
 */
public final class DebFile {
  /** Before the fixtures' build epoch, so that mtimes survive unclamped and can be compared. */
  public static final long MTIME = 1_600_000_000L;

  public record Member(String name, byte[] bytes) {
    public Member(String name, String text) {
      this(name, text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private record DataEntry(TarArchiveEntry header, byte[] content) {}

  private final String name;
  private String version = "1.0";
  private final Map<String, String> extraFields = new LinkedHashMap<>();
  private Compression controlCompression = Compression.GZ;
  private Compression dataCompression = Compression.GZ;
  private final List<DataEntry> data = new ArrayList<>();
  private final StringBuilder md5sums = new StringBuilder();

  private DebFile(String name) {
    this.name = name;
    data.add(new DataEntry(header("./", TarConstants.LF_DIR, 040755, 0, 0), null));
  }

  public static DebFile named(String name) {
    return new DebFile(name);
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  public DebFile version(String newVersion) {
    this.version = newVersion;
    return this;
  }

  /** Another control field, such as Replaces or Depends, written after the standard ones. */
  public DebFile field(String field, String value) {
    extraFields.put(field, value);
    return this;
  }

  public DebFile compression(Compression control, Compression dataTar) {
    this.controlCompression = control;
    this.dataCompression = dataTar;
    return this;
  }

  public DebFile dir(String path) {
    return dir(path, 0755, 0, 0);
  }

  public DebFile dir(String path, int mode, long uid, long gid) {
    data.add(new DataEntry(header(path.endsWith("/") ? path : path + "/", TarConstants.LF_DIR, 040000 | mode, uid, gid), null));
    return this;
  }

  public DebFile file(String path, String content) {
    return file(path, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
  }

  public DebFile file(String path, String content, int mode, long uid, long gid) {
    return file(path, content.getBytes(StandardCharsets.UTF_8), mode, uid, gid);
  }

  public DebFile file(String path, byte[] content, int mode, long uid, long gid) {
    TarArchiveEntry e = header(path, TarConstants.LF_NORMAL, 0100000 | mode, uid, gid);
    e.setSize(content.length);
    data.add(new DataEntry(e, content));
    md5sums.append(md5(content)).append("  ").append(path.startsWith("./") ? path.substring(2) : path).append('\n');
    return this;
  }

  public DebFile symlink(String path, String target) {
    TarArchiveEntry e = header(path, TarConstants.LF_SYMLINK, 0120777, 0, 0);
    e.setLinkName(target);
    data.add(new DataEntry(e, null));
    return this;
  }

  /**
   * A hard link as dpkg-deb stores it: the target named as in the archive ({@code ./} prefix), with the
   * target's mode and owner, since both names are one inode.
   */
  public DebFile hardlink(String path, String target) {
    TarArchiveEntry of = data.stream().map(DataEntry::header).filter(h -> h.getName().equals(target)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("hardlink target " + target + " not added yet"));
    TarArchiveEntry e = header(path, TarConstants.LF_LINK, 0100000 | (of.getMode() & 07777), of.getLongUserId(), of.getLongGroupId());
    e.setLinkName(target);
    data.add(new DataEntry(e, null));
    return this;
  }

  /** Any tar entry, for types (devices, FIFOs) and names the shortcuts do not make. */
  public DebFile entry(TarArchiveEntry header, byte[] content) {
    data.add(new DataEntry(header, content));
    return this;
  }

  public static TarArchiveEntry header(String path, byte type, int mode, long uid, long gid) {
    TarArchiveEntry e = new TarArchiveEntry(path, type, true);
    e.setMode(mode);
    e.setUserId(uid);
    e.setGroupId(gid);
    e.setUserName("");
    e.setGroupName("");
    e.setModTime(MTIME * 1000);
    return e;
  }

  public String controlText() {
    StringBuilder c = new StringBuilder();
    c.append("Package: ").append(name).append('\n');
    c.append("Version: ").append(version).append('\n');
    c.append("Architecture: amd64\n");
    c.append("Maintainer: Test Maintainer <test@example.invalid>\n");
    extraFields.forEach((k, v) -> c.append(k).append(": ").append(v).append('\n'));
    c.append("Description: test package ").append(name).append("\n multi-line description, second line\n");
    return c.toString();
  }

  public String md5sums() {
    return md5sums.toString();
  }

  public byte[] controlTar() {
    TarWriter tar = new TarWriter();
    tar.put(header("./", TarConstants.LF_DIR, 040755, 0, 0), null);
    byte[] control = controlText().getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry c = header("./control", TarConstants.LF_NORMAL, 0100644, 0, 0);
    c.setSize(control.length);
    tar.put(c, control);
    byte[] sums = md5sums().getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry m = header("./md5sums", TarConstants.LF_NORMAL, 0100644, 0, 0);
    m.setSize(sums.length);
    tar.put(m, sums);
    return tar.finish();
  }

  public byte[] dataTar() {
    TarWriter tar = new TarWriter();
    data.forEach(d -> tar.put(d.header(), d.content()));
    return tar.finish();
  }

  public Member debianBinary() {
    return new Member("debian-binary", "2.0\n");
  }

  public Member controlMember() {
    return new Member("control.tar" + controlCompression.suffix, controlCompression.compress(controlTar()));
  }

  public Member dataMember() {
    return new Member("data.tar" + dataCompression.suffix, dataCompression.compress(dataTar()));
  }

  public List<Member> members() {
    return new ArrayList<>(List.of(debianBinary(), controlMember(), dataMember()));
  }

  public byte[] build() {
    return ar(members());
  }

  /** An ar archive of the given members, written by commons-compress as GNU ar / dpkg-deb lay it out. */
  public static byte[] ar(List<Member> members) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ArArchiveOutputStream ar = new ArArchiveOutputStream(bytes)) {
      for (Member m : members) {
        ar.putArchiveEntry(new ArArchiveEntry(m.name(), m.bytes().length, 0, 0, 0100644, MTIME));
        ar.write(m.bytes());
        ar.closeArchiveEntry();
      }
      ar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static String md5(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class TarWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, "UTF-8");

    TarWriter() {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    void put(TarArchiveEntry header, byte[] content) {
      try {
        tar.putArchiveEntry(header);
        if (content != null) {
          tar.write(content);
        }
        tar.closeArchiveEntry();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    byte[] finish() {
      try {
        tar.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }
  }
}
