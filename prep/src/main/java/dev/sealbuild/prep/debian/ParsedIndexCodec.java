package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.digest.Sha256;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The parsed form of one Packages index for one architecture, so an unchanged index is not decompressed and parsed
 * again: a table of the distinct strings, then per package the indexes of its strings, then the names in apt's
 * creation order ({@link NameOrder}), then a CRC-32C of all that.
 * A file whose checksum does not match, or that does not decode, is reported as absent (the caller parses the verified
 * index again and rewrites it): this derived form is never trusted more than the index it came from.
 */
final class ParsedIndexCodec {
  /** Bump when the layout or the meaning of a field changes. */
  private static final byte[] MAGIC = "sealbuild-parsed-packages-v2\n".getBytes(StandardCharsets.US_ASCII);
  private static final int STRINGS_PER_PACKAGE = 16;
  private static final int CHECKSUM = 4;

  private ParsedIndexCodec() {
  }

  static byte[] encode(String architecture, ParsedPackages parsed) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    try {
      encode(architecture, parsed, bytes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // not thrown by an in-memory stream
    }
    return bytes.toByteArray();
  }

  /** Writes the encoding to {@code sink} as it is made (an index's is tens of MB); does not close it. */
  static void encode(String architecture, ParsedPackages parsed, OutputStream sink) throws IOException {
    List<DebianPackage> packages = parsed.packages();
    // by identity: the parser already shares equal repeated values, and an equal string written twice costs bytes only
    Map<String, Integer> ids = new IdentityHashMap<>(4 * packages.size());
    List<String> table = new ArrayList<>();
    int[] refs = new int[packages.size() * STRINGS_PER_PACKAGE];
    int r = 0;
    for (DebianPackage p : packages) {
      DebianPackage.RelationFields f = p.relations();
      for (String s : new String[] {p.name(), p.version().text(), p.architecture(), p.priority(), p.source(),
          p.filename(), p.sha256().hex(), f.preDepends(), f.depends(), f.recommends(), f.suggests(), f.enhances(),
          f.provides(), f.conflicts(), f.breaks(), f.replaces()}) {
        Integer id = ids.get(s);
        if (id == null) {
          id = table.size();
          ids.put(s, id);
          table.add(s);
        }
        refs[r++] = id;
      }
    }
    CheckedOutputStream checked = new CheckedOutputStream(sink, new CRC32C());
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(checked, 1 << 16));
    out.write(MAGIC);
    writeString(out, architecture);
    out.writeInt(table.size());
    for (String s : table) {
      writeString(out, s);
    }
    out.writeInt(packages.size());
    r = 0;
    for (DebianPackage p : packages) {
      for (int k = 0; k < STRINGS_PER_PACKAGE; k++) {
        out.writeInt(refs[r++]);
      }
      out.writeByte(p.multiArch().ordinal());
      out.writeByte((p.essential() ? 1 : 0) | (p.important() ? 2 : 0));
      out.writeLong(p.size());
      out.writeLong(p.installedSizeKiB());
    }
    out.writeInt(parsed.names().names().size());
    for (String name : parsed.names().names()) {
      writeString(out, name);
    }
    out.flush();
    new DataOutputStream(sink).writeInt((int) checked.getChecksum().getValue());
  }

  /** The packages, or empty when {@code data} is not an intact encoding for {@code architecture}. */
  static Optional<ParsedPackages> decode(byte[] data, String architecture) {
    if (data.length < MAGIC.length + CHECKSUM || !Arrays.equals(MAGIC, Arrays.copyOf(data, MAGIC.length))
        || crc32c(data, data.length - CHECKSUM) != ByteBuffer.wrap(data, data.length - CHECKSUM, CHECKSUM).getInt()) {
      return Optional.empty();
    }
    return decodeBody(data, architecture);
  }

  private static Optional<ParsedPackages> decodeBody(byte[] data, String architecture) {
    try {
      ByteBuffer in = ByteBuffer.wrap(data, MAGIC.length, data.length - CHECKSUM - MAGIC.length);
      if (!readString(in).equals(architecture)) {
        return Optional.empty();
      }
      String[] table = new String[checkedCount(in.getInt(), in.remaining(), 4)];
      for (int k = 0; k < table.length; k++) {
        table[k] = readString(in);
      }
      int count = checkedCount(in.getInt(), in.remaining(), STRINGS_PER_PACKAGE * 4 + 18);
      List<DebianPackage> packages = new ArrayList<>(count);
      String[] s = new String[STRINGS_PER_PACKAGE];
      DebianPackage.MultiArch[] multiArch = DebianPackage.MultiArch.values();
      for (int n = 0; n < count; n++) {
        for (int k = 0; k < STRINGS_PER_PACKAGE; k++) {
          s[k] = table[in.getInt()];
        }
        DebianPackage.MultiArch ma = multiArch[in.get()];
        int flags = in.get();
        long size = in.getLong();
        long installed = in.getLong();
        DebianPackage.RelationFields relations = new DebianPackage.RelationFields(s[7], s[8], s[9], s[10], s[11],
            s[12], s[13], s[14], s[15]);
        packages.add(new DebianPackage(s[0], DebianVersion.parse(s[1]), s[2], ma, (flags & 1) != 0,
            (flags & 2) != 0, s[3], s[4], s[5], size, Sha256.ofHex(s[6]), installed,
            relations.equals(DebianPackage.RelationFields.NONE) ? DebianPackage.RelationFields.NONE : relations));
      }
      String[] names = new String[checkedCount(in.getInt(), in.remaining(), 4)];
      for (int k = 0; k < names.length; k++) {
        names[k] = readString(in);
      }
      return in.hasRemaining() ? Optional.empty()
          : Optional.of(new ParsedPackages(packages, new NameOrder(java.util.Arrays.asList(names))));
    } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A count read from the file, refused when fewer than {@code each} bytes per item remain to hold them. */
  private static int checkedCount(int count, int remaining, int each) {
    if (count < 0 || (long) count * each > remaining) {
      throw new IllegalArgumentException("count " + count + " does not fit the " + remaining + " bytes left");
    }
    return count;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("bad string length");
    }
    String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
    in.position(in.position() + length);
    return s;
  }

  /**
   * CRC-32C of the first {@code length} bytes: this form is checked for damage (a disk, a partial write), not for
   * deliberate edits, and a CRC is a hundred times cheaper than SHA-256 in the C1-only JVM {@code build lock} runs in.
   */
  private static int crc32c(byte[] data, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, 0, length);
    return (int) crc.getValue();
  }
}
