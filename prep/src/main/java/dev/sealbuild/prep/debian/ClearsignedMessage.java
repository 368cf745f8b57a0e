package dev.sealbuild.prep.debian;

import dev.sealbuild.prep.debian.DebianMetadataException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an OpenPGP cleartext signed message (RFC 4880 section 7, RFC 9580 section 7), parsed strictly: nothing
 * but blank lines may surround the message, only {@code Hash:} armor headers are allowed, and every body line starting
 * with {@code -} must be dash-escaped. Lines are handled as ISO-8859-1 so bytes round-trip unchanged.
 *
 * @param bodyLines the message lines with dash-escaping removed, trailing whitespace still present
 * @param signatureArmor the ASCII-armored signature block, BEGIN to END line inclusive
 */
record ClearsignedMessage(List<String> bodyLines, String signatureArmor) {
  static final String BEGIN_MESSAGE = "-----BEGIN PGP SIGNED MESSAGE-----";
  static final String BEGIN_SIGNATURE = "-----BEGIN PGP SIGNATURE-----";
  static final String END_SIGNATURE = "-----END PGP SIGNATURE-----";

  static ClearsignedMessage parse(byte[] raw, String origin) throws DebianMetadataException {
    String[] lines = new String(raw, StandardCharsets.ISO_8859_1).split("\n", -1);
    for (int k = 0; k < lines.length; k++) {
      if (lines[k].endsWith("\r")) {
        lines[k] = lines[k].substring(0, lines[k].length() - 1);
      }
    }
    int i = 0;
    while (i < lines.length && isBlank(lines[i])) {
      i++;
    }
    if (i == lines.length || !lines[i].stripTrailing().equals(BEGIN_MESSAGE)) {
      for (String line : lines) {
        if (line.stripTrailing().equals(BEGIN_MESSAGE)) {
          throw malformed(origin, "text before '" + BEGIN_MESSAGE + "'");
        }
      }
      throw new DebianMetadataException(Kind.NOT_SIGNED,
          origin + ": not signed (no '" + BEGIN_MESSAGE + "' line); refusing unsigned repository metadata");
    }
    i++;
    while (i < lines.length && !isBlank(lines[i])) {
      if (!lines[i].startsWith("Hash: ")) {
        throw malformed(origin, "unexpected armor header line " + (i + 1));
      }
      i++;
    }
    if (i == lines.length) {
      throw malformed(origin, "no blank line after the armor headers");
    }
    i++;
    List<String> body = new ArrayList<>();
    while (i < lines.length && !lines[i].stripTrailing().equals(BEGIN_SIGNATURE)) {
      String line = lines[i];
      if (line.startsWith("- ")) {
        body.add(line.substring(2));
      } else if (line.startsWith("-")) {
        throw malformed(origin, "line " + (i + 1) + " starts with '-' but is not dash-escaped");
      } else {
        body.add(line);
      }
      i++;
    }
    if (i == lines.length) {
      throw malformed(origin, "no '" + BEGIN_SIGNATURE + "' block");
    }
    int signatureStart = i;
    while (i < lines.length && !lines[i].stripTrailing().equals(END_SIGNATURE)) {
      i++;
    }
    if (i == lines.length) {
      throw malformed(origin, "no '" + END_SIGNATURE + "' line");
    }
    int signatureEnd = i;
    for (i++; i < lines.length; i++) {
      if (!isBlank(lines[i])) {
        throw malformed(origin, "text after '" + END_SIGNATURE + "' (line " + (i + 1) + ")");
      }
    }
    String armor = String.join("\n", List.of(lines).subList(signatureStart, signatureEnd + 1)) + "\n";
    return new ClearsignedMessage(List.copyOf(body), armor);
  }

  /** The bytes the signatures cover: trailing spaces and tabs removed, lines joined with CRLF, no final newline. */
  byte[] canonicalSignedBytes() {
    return String.join("\r\n", trimmedLines()).getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The signed lines, each trimmed of trailing spaces and tabs (still ISO-8859-1 decoded). */
  List<String> trimmedLines() {
    List<String> trimmed = new ArrayList<>(bodyLines.size());
    for (String line : bodyLines) {
      int end = line.length();
      while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
        end--;
      }
      trimmed.add(line.substring(0, end));
    }
    return trimmed;
  }

  private static boolean isBlank(String line) {
    return line.strip().isEmpty();
  }

  private static DebianMetadataException malformed(String origin, String what) {
    return new DebianMetadataException(Kind.MALFORMED_SIGNATURE, origin + ": malformed clearsigned InRelease: " + what);
  }
}
