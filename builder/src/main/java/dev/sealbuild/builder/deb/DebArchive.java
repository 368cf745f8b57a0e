package dev.sealbuild.builder.deb;

import dev.sealbuild.formats.tar.TarReader;
import dev.sealbuild.formats.compress.ArchiveFormat;
import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.formats.compress.Decompressors;
import dev.sealbuild.builder.archive.IngestPolicy;
import dev.sealbuild.builder.archive.TarIngest;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.io.NamedReadErrors;
import dev.sealbuild.builder.fs.Content;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Reads a {@code .deb} as a stream: the ar members {@code debian-binary} (must be 2.x),
 * {@code control.tar.{gz,xz,zst}} (its {@code control} and {@code md5sums} kept as text) and
 * {@code data.tar.{gz,xz,zst}} (unpacked into the image tree). Member names are checked, each member
 * appears once and in order, and the compression is the one the member name declares.
 */
public final class DebArchive {
  private static final int MAX_CONTROL_FILE = 4 << 20;
  private static final java.util.regex.Pattern PACKAGE_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9+.-]*");

  /**
   * What the package says about itself: its control stanza and md5sums, as shipped, and its postinst script (empty
   * when it has none), read for the alternatives it installs, never run.
   */
  public record Control(String control, String md5sums, String postinst) {}

  private final Decompressors decompressors;
  private final ContentSpool spool;

  public DebArchive(Decompressors decompressors, ContentSpool spool) {
    this.decompressors = decompressors;
    this.spool = spool;
  }

  /** Reads only as far as the control member: enough to plan the install order. */
  public Control readControl(InputStream deb, String label) throws IOException {
    ArArchiveInputStream ar = new ArArchiveInputStream(deb);
    ArArchiveEntry member;
    while ((member = nextMember(ar, label)) != null) {
      String name = memberName(member, label);
      if (name.startsWith("control.tar")) {
        return parseControlTar(ar, name, member.getLength(), label);
      }
      if (name.startsWith("data.tar")) {
        break;
      }
    }
    throw new HostileInputException(label + ": no control.tar member before data.tar");
  }

  /**
   * Installs the package's data into the tree as it streams; returns its control member and its copyright file (as
   * {@link #readDocumentation} reads it), seen on the way.
   */
  public Documentation install(InputStream deb, ImageTree tree, long epoch, String label) throws IOException {
    String[] copyright = new String[1];
    Control control = walk(deb, label, (c, tar) -> copyright[0] = ingestData(c, tar, tree, epoch, label));
    return new Documentation(control, copyright[0]);
  }

  /** A package decompressed ahead of its install: its control member, and its data member's tar in a scratch file. */
  public record Decoded(Control control, Path tar) implements Closeable {
    @Override
    public void close() throws IOException {
      Files.deleteIfExists(tar);
    }
  }

  /**
   * Reads the whole package, checking it as {@link #install} does, and writes its data member decompressed to a new
   * scratch file in {@code scratchDir} (deleted again when this fails). Touches no image tree: safe on another thread.
   */
  public Decoded decode(InputStream deb, Path scratchDir, String label) throws IOException {
    Path tar = Files.createTempFile(scratchDir, "payload", ".tar");
    try {
      Control control = walk(deb, label, (c, data) -> {
        copy(data, tar);
      });
      return new Decoded(control, tar);
    } catch (IOException | RuntimeException | Error e) {
      Files.deleteIfExists(tar);
      throw e;
    }
  }

  /** Copies a decompressed stream to a file in large reads and writes: one decoder call per 256 KiB, not per 8. */
  static void copy(InputStream in, Path file) throws IOException {
    byte[] buffer = new byte[256 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      int n;
      while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
        out.write(buffer, 0, n);
      }
    }
  }

  /** Installs a package {@link #decode} read; the same tree, and the same result, as {@link #install} of its bytes. */
  public Documentation install(Decoded decoded, ImageTree tree, long epoch, String label) throws IOException {
    try (InputStream tar = new BufferedInputStream(Files.newInputStream(decoded.tar()), 256 * 1024)) {
      return new Documentation(decoded.control(), ingestData(decoded.control(), tar, tree, epoch, label));
    }
  }

  /** Places data.tar's entries; returns the copyright file's text as {@link #readDocumentation} would read it. */
  private String ingestData(Control control, InputStream tar, ImageTree tree, long epoch, String label) throws IOException {
    EntryPath wanted = copyrightPath(control, label);
    String[] copyright = new String[1];
    TarIngest.EntryHook hook = new TarIngest.EntryHook() {
      @Override
      public boolean take(String entryName, String linkName, TarArchiveEntry entry, InputStream data) {
        return false;
      }

      @Override
      public void placed(String entryName, String linkName, TarArchiveEntry entry, dev.sealbuild.builder.fs.Meta meta) {
        // only the copyright file is of interest
      }

      @Override
      public void placedFile(String entryName, TarArchiveEntry entry, Content content) throws IOException {
        if (isCopyright(wanted, entryName, entry)) {
          copyright[0] = new String(content.readAll(), StandardCharsets.UTF_8);
        }
      }
    };
    new TarIngest(spool).ingest(tar, tree, IngestPolicy.packageData(epoch, label), hook);
    return copyright[0];
  }

  /** {@code usr/share/doc/<Package>/copyright}, or null when the control file names no valid package. */
  private static EntryPath copyrightPath(Control control, String label) {
    String name = ControlFields.parse(control.control(), label + " control").packageName();
    return name == null || !PACKAGE_NAME.matcher(name).matches() ? null : EntryPath.parse("usr/share/doc/" + name + "/copyright");
  }

  private static boolean isCopyright(EntryPath wanted, String entryName, TarArchiveEntry entry) {
    return wanted != null && TarReader.isRegularFile(entry) && entry.getSize() <= MAX_CONTROL_FILE
        && EntryPath.parse(entryName).equals(wanted);
  }

  /** What a package says about itself and its licensing: its control member, and its copyright file when it ships one. */
  public record Documentation(Control control, String copyright) {}

  /**
   * Reads the control member and, from data.tar, the regular file {@code usr/share/doc/<Package>/copyright} when
   * the package ships one (at most {@value #MAX_CONTROL_FILE} bytes; a larger one counts as absent). Nothing is
   * placed anywhere: every data entry passes the tar reader's checks and is then skipped.
   */
  public Documentation readDocumentation(InputStream deb, String label) throws IOException {
    String[] copyright = new String[1];
    Control control = walk(deb, label, (c, tar) -> {
      EntryPath wanted = copyrightPath(c, label);
      TarIngest.EntryHook reader = new TarIngest.EntryHook() {
        @Override
        public boolean take(String entryName, String linkName, TarArchiveEntry entry, InputStream data) throws IOException {
          if (isCopyright(wanted, entryName, entry)) {
            copyright[0] = new String(data.readNBytes((int) entry.getSize()), StandardCharsets.UTF_8);
          }
          return true;
        }

        @Override
        public void placed(String entryName, String linkName, TarArchiveEntry entry, dev.sealbuild.builder.fs.Meta meta) {
          throw new IllegalStateException("nothing is placed while reading documentation");
        }
      };
      new TarIngest(spool).ingest(tar, new ImageTree(label, 0, 1), IngestPolicy.packageData(0, label), reader);
    });
    return new Documentation(control, copyright[0]);
  }

  /** Reads data.tar once the control member is known. */
  private interface DataReader {
    void read(Control control, InputStream tar) throws IOException;
  }

  /** Walks the members in the order dpkg requires, handing the data member's tar stream to {@code data}. */
  private Control walk(InputStream deb, String label, DataReader data) throws IOException {
    ArArchiveInputStream ar = new ArArchiveInputStream(deb);
    Control control = null;
    boolean sawBinary = false;
    boolean sawData = false;
    ArArchiveEntry member;
    while ((member = nextMember(ar, label)) != null) {
      String name = memberName(member, label);
      if (name.equals("debian-binary")) {
        if (sawBinary || control != null || sawData) {
          throw new HostileInputException(label + ": debian-binary must come first, once");
        }
        String version = new String(ar.readNBytes(16), StandardCharsets.US_ASCII);
        if (!version.startsWith("2.")) {
          throw new HostileInputException(label + ": unsupported .deb format '" + printable(version.strip()) + "'");
        }
        sawBinary = true;
      } else if (name.startsWith("control.tar")) {
        if (!sawBinary || control != null || sawData) {
          throw new HostileInputException(label + ": control.tar must follow debian-binary, once");
        }
        control = parseControlTar(ar, name, member.getLength(), label);
      } else if (name.startsWith("data.tar")) {
        if (control == null || sawData) {
          throw new HostileInputException(label + ": data.tar must follow control.tar, once");
        }
        try (InputStream tar = decompressed(ar, name, member.getLength(), label)) {
          data.read(control, tar);
        }
        sawData = true;
      } else if (!name.startsWith("_")) {
        throw new HostileInputException(label + ": unexpected ar member '" + name + "'");
      }
    }
    if (!sawData) {
      throw new HostileInputException(label + ": not a complete .deb (no data.tar member)");
    }
    return control;
  }

  /** The member's name without GNU ar's trailing slash; names that could mean a path or break a message are refused. */
  private static String memberName(ArArchiveEntry member, String label) {
    String name = member.getName();
    if (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.isEmpty() || name.contains("/") || name.contains("..") || !name.equals(printable(name))) {
      throw new HostileInputException(label + ": ar member name '" + printable(name) + "' is not allowed");
    }
    return name;
  }

  /**
   * The member's tar stream through exactly the decompressor its name declares; read errors name the member. Closing
   * it hands the decoder's buffers back for the next member (a tar ends before its xz stream does) and leaves the
   * package open.
   */
  private InputStream decompressed(InputStream member, String name, long size, String label) throws IOException {
    String what = label + " " + name;
    return new NamedReadErrors(decompressors.tarStream(CloseShieldInputStream.wrap(member), format(name, label), what, size),
        what, "");
  }

  private static ArArchiveEntry nextMember(ArArchiveInputStream ar, String label) throws IOException {
    try {
      return ar.getNextEntry();
    } catch (IOException | IllegalArgumentException e) {
      throw new HostileInputException(label + ": not a valid .deb (ar) archive: " + describeAr(e));
    }
  }

  /**
   * commons-compress words a bad ar header field as "Unable to parse long from string value: 22: :", quoting the raw
   * header bytes; that is said in words here.
   */
  private static String describeAr(Exception e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    if (e instanceof IllegalArgumentException || m.startsWith("Unable to parse")) {
      return "a member header has a size, date, owner or mode that is not a number";
    }
    if (m.startsWith("Invalid header") || m.startsWith("Invalid entry trailer")) {
      // commons-compress quotes the raw header bytes after these words, or asks "not read the content?"
      return "a member header is damaged (it does not end as an ar header must)";
    }
    return describe(e);
  }

  private static ArchiveFormat format(String member, String label) {
    return switch (member.substring(member.indexOf(".tar"))) {
      case ".tar" -> ArchiveFormat.TAR;
      case ".tar.gz" -> ArchiveFormat.TAR_GZIP;
      case ".tar.xz" -> ArchiveFormat.TAR_XZ;
      case ".tar.zst" -> ArchiveFormat.TAR_ZSTD;
      default -> throw new HostileInputException(label + ": unsupported compression in ar member '" + member + "'");
    };
  }

  private Control parseControlTar(InputStream member, String name, long size, String label) throws IOException {
    String what = label + " " + name;
    String control = null;
    String md5sums = "";
    String postinst = "";
    try (InputStream in = decompressed(member, name, size, label)) {
      TarReader tar = new TarReader(in, what);
      TarReader.Entry e;
      while ((e = tar.next()) != null) {
        String entry = e.name().startsWith("./") ? e.name().substring(2) : e.name();
        if (!e.isRegularFile() || !(entry.equals("control") || entry.equals("md5sums") || entry.equals("postinst"))) {
          continue;
        }
        if (e.header().getSize() > MAX_CONTROL_FILE) {
          throw new HostileInputException(label + ": control file " + entry + " is larger than " + MAX_CONTROL_FILE + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tar.data().transferTo(out);
        String text = out.toString(StandardCharsets.UTF_8);
        if (entry.equals("control")) {
          control = text;
        } else if (entry.equals("md5sums")) {
          md5sums = text;
        } else {
          postinst = text;
        }
      }
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(what)) {
        throw e;
      }
      throw new HostileInputException(what + ": not a valid tar archive (" + describe(e) + ")");
    }
    if (control == null) {
      throw new HostileInputException(label + ": control.tar has no control file");
    }
    return new Control(control, md5sums, postinst);
  }

  static String describe(Exception e) {
    if (e.getMessage() == null || e.getMessage().isBlank()) {
      return e instanceof java.io.EOFException ? "it ends early" : "damaged data";
    }
    return printable(e.getMessage());
  }

  /** Control characters escaped and length capped, so that a name from the archive keeps a message on one line. */
  static String printable(String s) {
    return dev.sealbuild.formats.io.Printable.of(s);
  }
}
