package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.deb822.Deb822Stanza;
import dev.sealbuild.formats.deb822.Deb822Reader;
import dev.sealbuild.formats.deb822.Deb822Exception;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.prep.debian.DebianMetadataException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The fields of a (verified) Release text that sealbuild relies on.
 *
 * @param suite e.g. {@code oldstable}; may be empty
 * @param codename e.g. {@code bookworm}; may be empty
 * @param notAutomatic {@code NotAutomatic: yes} (experimental, backports): apt pins it to 1, or 100 with
 *     {@code ButAutomaticUpgrades: yes}
 * @param noArchitectureAllPackages {@code No-Support-for-Architecture-all: Packages}: arch-all packages are listed
 *     in every binary-ARCH index, binary-all need not be read
 * @param sha256Files the SHA256 list: path relative to {@code dists/SUITE/} to digest and size
 */
public record Release(String suite, String codename, Instant date, Optional<Instant> validUntil,
    boolean acquireByHash, List<String> architectures, List<String> components, boolean notAutomatic,
    boolean butAutomaticUpgrades, boolean noArchitectureAllPackages, Map<String, FileEntry> sha256Files) {

  /** One line of the SHA256 list. */
  public record FileEntry(String path, Sha256 sha256, long size) {
    public FileEntry {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(sha256, "sha256");
      if (size < 0) {
        throw new IllegalArgumentException("negative size for " + path);
      }
    }
  }

  public Release {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(codename, "codename");
    Objects.requireNonNull(date, "date");
    Objects.requireNonNull(validUntil, "validUntil");
    architectures = List.copyOf(architectures);
    components = List.copyOf(components);
    sha256Files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sha256Files));
  }

  /** Parses the signed text of an InRelease (or a plain Release). */
  public static Release parse(String text, String origin) throws DebianMetadataException {
    Deb822Stanza stanza;
    try (Deb822Reader reader = new Deb822Reader(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), origin)) {
      stanza = reader.next();
      if (stanza == null) {
        throw bad(origin, "empty Release");
      }
      if (reader.next() != null) {
        throw bad(origin, "Release has more than one paragraph");
      }
    } catch (DebianMetadataException e) {
      throw new DebianMetadataException(Kind.BAD_RELEASE, e.getMessage(), e);
    } catch (Deb822Exception e) {
      throw new DebianMetadataException(Kind.BAD_RELEASE, e.getMessage(), e);
    } catch (IOException e) {
      throw bad(origin, "unreadable Release: " + e.getMessage());
    }
    String dateText = stanza.fieldOrEmpty("Date");
    if (dateText.isEmpty()) {
      throw bad(origin, "Release has no Date field");
    }
    Instant date = parseDate(dateText, "Date", origin);
    String validUntilText = stanza.fieldOrEmpty("Valid-Until");
    Optional<Instant> validUntil = validUntilText.isEmpty()
        ? Optional.empty() : Optional.of(parseDate(validUntilText, "Valid-Until", origin));
    Map<String, FileEntry> files = new LinkedHashMap<>();
    for (String line : stanza.fieldOrEmpty("SHA256").split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.strip().split("\\s+");
      if (parts.length != 3 || !parts[1].matches("[0-9]{1,18}")) {
        throw bad(origin, "malformed SHA256 line '" + abbreviate(line) + "'");
      }
      try {
        files.put(parts[2], new FileEntry(parts[2], Sha256.ofHex(parts[0]), Long.parseLong(parts[1])));
      } catch (IllegalArgumentException e) {
        throw bad(origin, "malformed SHA256 line '" + abbreviate(line) + "': " + e.getMessage());
      }
    }
    return new Release(stanza.fieldOrEmpty("Suite"), stanza.fieldOrEmpty("Codename"), date, validUntil,
        yes(stanza, "Acquire-By-Hash"), words(stanza, "Architectures"), words(stanza, "Components"),
        yes(stanza, "NotAutomatic"), yes(stanza, "ButAutomaticUpgrades"),
        words(stanza, "No-Support-for-Architecture-all").contains("Packages"), files);
  }

  /** Whether {@code requested} names this release: its Suite or Codename (apt warns otherwise; we refuse). */
  public boolean isSuite(String requested) {
    return requested.equals(suite) || requested.equals(codename);
  }

  /**
   * Whether the release lists {@code component} (or lists no components at all). Like apt, {@code updates/main}
   * (the security archive's style) also counts as {@code main}.
   */
  public boolean hasComponent(String component) {
    return components.isEmpty() || components.stream()
        .anyMatch(c -> c.equals(component) || c.substring(c.lastIndexOf('/') + 1).equals(component));
  }

  public Optional<FileEntry> file(String path) {
    return Optional.ofNullable(sha256Files.get(path));
  }

  /** apt's pin priority for packages from this release when nothing is installed: 500, 100 or 1. */
  public int defaultPinPriority() {
    if (!notAutomatic) {
      return 500;
    }
    return butAutomaticUpgrades ? 100 : 1;
  }

  /** Refuses metadata past its Valid-Until unless {@code allowExpired}. */
  public void checkNotExpired(Instant now, boolean allowExpired, String origin) throws DebianMetadataException {
    if (validUntil.isPresent() && validUntil.get().isBefore(now) && !allowExpired) {
      throw new DebianMetadataException(Kind.EXPIRED, origin + ": metadata expired on " + validUntil.get()
          + " (Valid-Until); the mirror may be stale or replaying old data;"
          + " pass --allow-expired-metadata to use it anyway");
    }
  }

  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy H:mm:ss", Locale.ENGLISH);

  /** RFC 2822 dates as apt writes and reads them: {@code Sat, 11 Jul 2026 10:16:37 UTC} (or +0000, GMT, Z). */
  static Instant parseDate(String text, String field, String origin) throws DebianMetadataException {
    String value = text.strip();
    int comma = value.indexOf(',');
    if (comma >= 0) {
      value = value.substring(comma + 1).strip();
    }
    int lastSpace = value.lastIndexOf(' ');
    if (lastSpace < 0) {
      throw bad(origin, "unparsable " + field + " '" + abbreviate(text) + "'");
    }
    String zone = value.substring(lastSpace + 1);
    try {
      ZoneOffset offset = switch (zone) {
        case "UTC", "GMT", "Z", "UT" -> ZoneOffset.UTC;
        default -> {
          if (!zone.matches("[+-][0-9]{4}")) {
            throw new DateTimeException("unknown zone " + zone);
          }
          yield ZoneOffset.of(zone.substring(0, 3) + ":" + zone.substring(3));
        }
      };
      return LocalDateTime.parse(value.substring(0, lastSpace), DATE).toInstant(offset);
    } catch (DateTimeException e) {
      throw bad(origin, "unparsable " + field + " '" + abbreviate(text) + "'");
    }
  }

  private static boolean yes(Deb822Stanza stanza, String field) {
    return stanza.fieldOrEmpty(field).equalsIgnoreCase("yes");
  }

  private static List<String> words(Deb822Stanza stanza, String field) {
    String value = stanza.fieldOrEmpty(field).strip();
    return value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+"));
  }

  private static DebianMetadataException bad(String origin, String what) {
    return new DebianMetadataException(Kind.BAD_RELEASE, origin + ": " + what);
  }

  /** A value from the file as a message quotes it: control characters escaped (a CR would break the line), capped. */
  private static String abbreviate(String s) {
    return dev.sealbuild.formats.io.Printable.quoted(s, 80);
  }
}
