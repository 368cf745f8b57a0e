package dev.sealbuild.builder.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.builder.archive.ContentSpool;
import dev.sealbuild.builder.fs.EntryPath;
import dev.sealbuild.formats.HostileInputException;
import dev.sealbuild.builder.fs.ImageTree;
import dev.sealbuild.builder.fs.Meta;
import dev.sealbuild.builder.fs.Node;
import dev.sealbuild.lockfiles.spec.Accounts;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountsSourceTest {
  @TempDir Path work;

  private static final Accounts APP = new Accounts(List.of(new Accounts.Group("app", 10001)),
      List.of(new Accounts.User("app", 10001, 10001, "/home/app", "/sbin/nologin")));

  private static String read(ImageTree tree, String path) throws Exception {
    Node.RegularFile f = (Node.RegularFile) tree.lookup(EntryPath.parse(path));
    try (InputStream in = f.content().open()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void scratchGetsRootAndTheDeclaredAccounts() throws Exception {
    try (ContentSpool spool = new ContentSpool(work)) {
      ImageTree tree = new ImageTree("t", 0, 1000);
      new AccountsSource(APP, spool, 0).addTo(tree);
      assertEquals("root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001::/home/app:/sbin/nologin\n", read(tree, "etc/passwd"));
      assertEquals("root:x:0:\napp:x:10001:\n", read(tree, "etc/group"));
      Node home = tree.lookup(EntryPath.parse("home/app"));
      assertEquals(new Meta(0755, 10001, 10001, 0), home.meta());
    }
  }

  @Test
  void baseEntriesAreKeptAndUsersAddedOrReplaced() throws Exception {
    try (ContentSpool spool = new ContentSpool(work)) {
      ImageTree tree = new ImageTree("t", 0, 1000);
      byte[] passwd = "root:x:0:0:root:/root:/bin/ash\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\napp:x:1:1::/old:/bin/sh\n"
          .getBytes(StandardCharsets.UTF_8);
      tree.addFile(EntryPath.parse("etc/passwd"), new Meta(0644, 0, 0, 0), spool.append(new ByteArrayInputStream(passwd), passwd.length, "base"));
      tree.startLayer("accounts");
      new AccountsSource(APP, spool, 0).addTo(tree);
      String result = read(tree, "etc/passwd");
      assertTrue(result.startsWith("root:x:0:0:root:/root:/bin/ash\ndaemon:x:2:2:"), result);
      assertTrue(result.endsWith("app:x:10001:10001::/home/app:/sbin/nologin\n"), result);
      assertEquals(3, result.lines().count());
    }
  }

  @Test
  void hugeBasePasswdIsRefusedNotRead() throws Exception {
    try (ContentSpool spool = new ContentSpool(work)) {
      ImageTree tree = new ImageTree("t", 0, 1000);
      byte[] big = new byte[(1 << 20) + 1];
      tree.addFile(EntryPath.parse("etc/passwd"), new Meta(0644, 0, 0, 0), spool.append(new ByteArrayInputStream(big), big.length, "base"));
      HostileInputException e = assertThrows(HostileInputException.class, () -> new AccountsSource(APP, spool, 0).addTo(tree));
      assertTrue(e.getMessage().contains("/etc/passwd"), e.getMessage());
    }
  }
}
