package dev.sealbuild.prep.debian;

import dev.sealbuild.formats.deb822.Deb822Reader;
import dev.sealbuild.formats.deb822.Deb822Stanza;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses dpkg's database ({@code /var/lib/dpkg/status}, or one of distroless's {@code /var/lib/dpkg/status.d/*} files):
 * the stanzas whose {@code Status} is {@code install ok installed} (or {@code hold ok installed}) are installed; others
 * (half-installed, config-files, not-installed) are not, as apt counts them.
 */
public final class DpkgStatus {
  private DpkgStatus() {}

  /**
   * The installed packages of one status file; {@code statusRequired} is false for distroless's status.d files, which
   * carry no Status field (every stanza in them is installed).
   */
  public static List<InstalledDebianPackage> parse(String text, String origin, boolean statusRequired) {
    List<InstalledDebianPackage> out = new ArrayList<>();
    for (Deb822Stanza stanza : Deb822Reader.parseAll(text, origin, Deb822Reader.Syntax.COMMENTS)) {
      String status = stanza.fieldOrEmpty("Status").strip();
      boolean installed = status.isEmpty() ? !statusRequired : isInstalled(status);
      if (!installed) {
        continue;
      }
      String name = stanza.fieldOrEmpty("Package").strip();
      String version = stanza.fieldOrEmpty("Version").strip();
      String arch = stanza.fieldOrEmpty("Architecture").strip();
      if (name.isEmpty() || version.isEmpty() || arch.isEmpty()) {
        throw new IllegalArgumentException(origin + " line " + stanza.firstLine() + ": an installed package needs Package, Version"
            + " and Architecture");
      }
      DebianVersion parsed;
      try {
        parsed = DebianVersion.parse(version);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(origin + ": package " + name + ": " + e.getMessage());
      }
      out.add(new InstalledDebianPackage(name, parsed, arch, DebianPackage.MultiArch.parse(stanza.fieldOrEmpty("Multi-Arch").strip()),
          stanza.folded("Provides"), stanza.folded("Conflicts"), stanza.folded("Breaks")));
    }
    return out;
  }

  /** {@code want ok installed} with want install or hold: the package's files are there and configured. */
  static boolean isInstalled(String status) {
    String[] words = status.split("\\s+");
    return words.length == 3 && (words[0].equals("install") || words[0].equals("hold")) && words[1].equals("ok")
        && words[2].equals("installed");
  }
}
