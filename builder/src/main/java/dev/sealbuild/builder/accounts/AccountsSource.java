package dev.sealbuild.builder.accounts;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.builder.source.LayerSource;
import dev.sealbuild.lockfiles.spec.Accounts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code /etc/passwd} and {@code /etc/group} from the spec's {@code accounts} (what adduser in a
 * maintainer script would have done), keeping the entries a base already has, and creates home
 * directories owned by their users. A base's files are read with a size cap and never executed.
 */
public final class AccountsSource implements LayerSource {
  private static final int MAX_ACCOUNT_FILE = 1 << 20;
  private static final EntryPath PASSWD = EntryPath.parse("etc/passwd");
  private static final EntryPath GROUP = EntryPath.parse("etc/group");

  private final Accounts accounts;
  private final ContentSpool spool;
  private final long epoch;

  public AccountsSource(Accounts accounts, ContentSpool spool, long epoch) {
    this.accounts = accounts;
    this.spool = spool;
    this.epoch = epoch;
  }

  @Override
  public String describe() {
    return "accounts (" + accounts.users().size() + " users, " + accounts.groups().size() + " groups)";
  }

  @Override
  public Object fingerprint() {
    return dev.sealbuild.builder.source.Fingerprints.of("accounts", "accounts", accounts, "epoch", epoch);
  }

  @Override
  public void addTo(ImageTree tree) throws IOException {
    Map<String, String> groups = existing(tree, GROUP, "root:x:0:\n");
    for (Accounts.Group g : accounts.groups()) {
      groups.put(g.name(), g.name() + ":x:" + g.gid() + ":");
    }
    Map<String, String> users = existing(tree, PASSWD, "root:x:0:0:root:/root:/sbin/nologin\n");
    for (Accounts.User u : accounts.users()) {
      users.put(u.name(), u.name() + ":x:" + u.uid() + ":" + u.gid() + "::" + u.home() + ":" + u.shell());
    }
    tree.addDirectory(EntryPath.parse("etc"), new Meta(0755, 0, 0, epoch));
    write(tree, GROUP, groups);
    write(tree, PASSWD, users);
    for (Accounts.User u : accounts.users()) {
      EntryPath home = EntryPath.parse(u.home());
      if (!home.isRoot() && !(tree.lookup(tree.resolveFully(home)) instanceof Node.Directory)) {
        tree.addDirectory(home, new Meta(0755, u.uid(), u.gid(), epoch));
      }
    }
  }

  /** The base's entries by name, in their order; the given default when the base has none. */
  private static Map<String, String> existing(ImageTree tree, EntryPath path, String fallback) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    String text = fallback;
    Node node = tree.lookup(tree.resolveFully(path));
    if (node instanceof Node.RegularFile file) {
      if (file.content().size() > MAX_ACCOUNT_FILE) {
        throw new HostileInputException("/" + path.value() + " in the base is larger than " + MAX_ACCOUNT_FILE + " bytes");
      }
      try (InputStream in = file.content().open()) {
        text = new String(in.readNBytes(MAX_ACCOUNT_FILE), StandardCharsets.UTF_8);
      }
    }
    for (String line : text.split("\n")) {
      if (!line.isBlank() && line.contains(":")) {
        entries.put(line.substring(0, line.indexOf(':')), line);
      }
    }
    return entries;
  }

  private void write(ImageTree tree, EntryPath path, Map<String, String> entries) throws IOException {
    List<String> lines = new ArrayList<>(entries.values());
    byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    tree.addFile(path, new Meta(0644, 0, 0, epoch), spool.append(new ByteArrayInputStream(bytes), bytes.length, "generated /" + path.value()));
  }
}
