package dev.sealbuild.prep.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.testsupport.deb.TestPgp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The repositories a base names, from its apt sources or /etc/apk/repositories, with the keys apt or apk would use. */
class BaseRepositoriesTest {
  private static final TestPgp.Key ARCHIVE = TestPgp.newKey("archive");
  private static final TestPgp.Key SECURITY = TestPgp.newKey("security");
  private static final String DEBIAN_OS = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_CODENAME=bookworm\n";

  private static final class Base {
    final Map<String, byte[]> files = new HashMap<>();
    final Map<String, String> links = new HashMap<>();

    Base file(String path, String text) {
      files.put(path, text.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    Base file(String path, byte[] bytes) {
      files.put(path, bytes);
      return this;
    }

    Base link(String path, String target) {
      links.put(path, target);
      return this;
    }

    BaseFiles.Found found() {
      return new BaseFiles.Found("base image r.example/debian:12", files, links);
    }
  }

  private static Base debian() {
    return new Base().link("etc/os-release", "../usr/lib/os-release").file("usr/lib/os-release", DEBIAN_OS)
        .file("etc/apt/trusted.gpg.d/debian-archive.asc", ARCHIVE.armoredKeyring());
  }

  private static String describe(BaseRepositories.Debian d) {
    return d.name() + " " + d.url() + " " + d.suite() + " " + d.components() + " " + d.from();
  }

  @Test
  void oneLineSourcesBecomeNameName2InFileOrderVerifiedWithWhatAptTrusts() {
    BaseFiles.Found base = debian().file("etc/apt/sources.list", """
        # the archive
        deb http://m.example/debian bookworm main contrib
        deb-src http://m.example/debian bookworm main
        deb [arch=amd64] http://m.example/debian bookworm-updates main
        deb http://m.example/debian bookworm main contrib
        """).found();
    List<BaseRepositories.Debian> repos = BaseRepositories.debian("debian", base);
    assertEquals(List.of("debian http://m.example/debian bookworm [main, contrib] /etc/apt/sources.list",
        "debian-2 http://m.example/debian bookworm-updates [main] /etc/apt/sources.list"),
        repos.stream().map(BaseRepositoriesTest::describe).toList(), "deb-src and repeats are left out");
    assertTrue(repos.get(0).keyring().keys().contains(ARCHIVE.ring().getPublicKey().getKeyID()));
    assertTrue(repos.get(0).keyring().name().contains("/etc/apt/trusted.gpg.d/debian-archive.asc"), repos.get(0).keyring().name());
  }

  @Test
  void deb822SourcesAfterSourcesListInNameOrderWithSignedBy() {
    BaseFiles.Found base = debian()
        .file("etc/apt/sources.list", "deb http://m.example/debian bookworm main\n")
        .file("etc/apt/sources.list.d/zz-security.list", "deb [signed-by=/usr/share/keyrings/security.gpg] http://s.example/debian-security bookworm-security main\n")
        .file("etc/apt/sources.list.d/debian.sources", """
            Types: deb
            URIs: http://m.example/debian
            Suites: bookworm-updates bookworm-backports
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            Types: deb-src
            URIs: http://m.example/debian
            Suites: bookworm
            Components: main

            Types: deb
            Enabled: no
            URIs: http://m.example/off
            Suites: bookworm
            Components: main
            """)
        .file("usr/share/keyrings/debian-archive-keyring.gpg", ARCHIVE.keyringBytes())
        .file("usr/share/keyrings/security.gpg", SECURITY.keyringBytes())
        .found();
    List<BaseRepositories.Debian> repos = BaseRepositories.debian("deb", base);
    assertEquals(List.of(
        "deb http://m.example/debian bookworm [main] /etc/apt/sources.list",
        "deb-2 http://m.example/debian bookworm-updates [main] /etc/apt/sources.list.d/debian.sources",
        "deb-3 http://m.example/debian bookworm-backports [main] /etc/apt/sources.list.d/debian.sources",
        "deb-4 http://s.example/debian-security bookworm-security [main] /etc/apt/sources.list.d/zz-security.list"),
        repos.stream().map(BaseRepositoriesTest::describe).toList());
    long security = SECURITY.ring().getPublicKey().getKeyID();
    assertTrue(repos.get(3).keyring().keys().contains(security));
    assertTrue(!repos.get(1).keyring().keys().contains(security), "Signed-By is the only keyring of its entry");
    assertTrue(repos.get(1).keyring().name().endsWith("/usr/share/keyrings/debian-archive-keyring.gpg"));
  }

  @Test
  void aBaseThatCannotNameItsRepositoriesIsAOneLineErrorNamingTheBaseAndTheFile() throws Exception {
    String noOs = assertThrows(PackageException.class, () -> BaseRepositories.debian("debian",
        new Base().file("etc/apt/sources.list", "deb http://m.example/debian bookworm main\n").found())).getMessage();
    assertEquals("base image r.example/debian:12 has no /etc/os-release (nor /usr/lib/os-release), so from: base cannot tell"
        + " its distribution; give the repository a url instead", noOs);
    String noSources = assertThrows(PackageException.class, () -> BaseRepositories.debian("debian", debian().found())).getMessage();
    assertTrue(noSources.startsWith("base image r.example/debian:12 has no apt sources (no deb entry in /etc/apt/sources.list"), noSources);
    String wrong = assertThrows(PackageException.class, () -> BaseRepositories.alpine("main", debian().found())).getMessage();
    assertEquals("base image r.example/debian:12: /etc/os-release says ID=debian, not alpine; the repository's type must match"
        + " the base's distribution", wrong);
    String missingKey = assertThrows(PackageException.class, () -> BaseRepositories.debian("debian", debian()
        .file("etc/apt/sources.list", "deb [signed-by=/etc/apt/keyrings/x.gpg] http://m.example/debian bookworm main\n").found()))
        .getMessage();
    assertTrue(missingKey.startsWith("base image r.example/debian:12: /etc/apt/sources.list says signed-by /etc/apt/keyrings/x.gpg,"
        + " which the base does not have"), missingKey);
    String notHttp = assertThrows(PackageException.class, () -> BaseRepositories.debian("debian", debian()
        .file("etc/apt/sources.list", "deb file:/srv/repo bookworm main\n").found())).getMessage();
    assertTrue(notHttp.contains("/etc/apt/sources.list names file:/srv/repo; only http and https sources can be locked"), notHttp);
  }

  @Test
  void ubuntuCountsAsDebianThroughIdLike() throws Exception {
    BaseFiles.Found base = new Base().file("etc/os-release", "ID=ubuntu\nID_LIKE=debian\n")
        .file("etc/apt/sources.list", "deb http://m.example/ubuntu jammy main universe\n")
        .file("etc/apt/trusted.gpg.d/ubuntu.gpg", ARCHIVE.keyringBytes()).found();
    assertEquals("jammy", BaseRepositories.debian("ubuntu", base).get(0).suite());
  }

  @Test
  void alpineRepositoriesWithTheBasesKeys() throws Exception {
    BaseFiles.Found base = new Base().file("etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n")
        .file("etc/apk/repositories", "# main\nhttps://a.example/alpine/v3.20/main/\n\nhttps://a.example/alpine/v3.20/community\n")
        .file("etc/apk/keys/alpine-devel.rsa.pub", "PEM").found();
    List<BaseRepositories.Alpine> repos = BaseRepositories.alpine("alpine", base);
    assertEquals(List.of("alpine", "alpine-2"), repos.stream().map(BaseRepositories.Alpine::name).toList());
    assertEquals(URI.create("https://a.example/alpine/v3.20/main"), repos.get(0).url());
    assertEquals(Map.of("alpine-devel.rsa.pub", "PEM"), repos.get(1).keys());
    assertEquals(null, repos.get(0).tag());
  }

  /** apk's reading of /etc/apk/repositories: comments and blank lines skipped, {@code @TAG URL} a tagged repository. */
  @Test
  void taggedLinesOfTheBasesRepositoriesAreTaggedRepositories() throws Exception {
    List<BaseRepositories.Alpine> repos = BaseRepositories.alpine("alpine", alpineWith("# stable\n"
        + "https://a.example/v3.20/main\n\n@edge https://a.example/edge/main/\n  # testing, tab-separated\n"
        + "@testing\thttps://a.example/edge/testing\n@community:https://a.example/v3.20/community\n"));
    assertEquals(List.of("alpine", "alpine-2", "alpine-3", "alpine-4"), repos.stream().map(BaseRepositories.Alpine::name).toList());
    assertEquals(java.util.Arrays.asList(null, "edge", "testing", "community"),
        repos.stream().map(BaseRepositories.Alpine::tag).toList());
    assertEquals(List.of(URI.create("https://a.example/v3.20/main"), URI.create("https://a.example/edge/main"),
        URI.create("https://a.example/edge/testing"), URI.create("https://a.example/v3.20/community")),
        repos.stream().map(BaseRepositories.Alpine::url).toList());

    assertEquals("base image r.example/debian:12: /etc/apk/repositories line 2: '@edge' is not a tagged repository line;"
        + " write @TAG URL with TAG letters, digits, '.', '_' or '-', such as @edge https://alpine.example/edge/main",
        refused("https://a.example/main\n@edge\n"));
    assertEquals("base image r.example/debian:12: /etc/apk/repositories line 1: '@ed/ge https://a.example/edge' is not a"
        + " tagged repository line; write @TAG URL with TAG letters, digits, '.', '_' or '-', such as @edge"
        + " https://alpine.example/edge/main", refused("@ed/ge https://a.example/edge\n"));
    assertEquals("base image r.example/debian:12: /etc/apk/repositories line 1: @edge /srv/mirror/edge is not an http or"
        + " https URL; pass --mirror alpine=URL or list the repository in build.yaml", refused("@edge /srv/mirror/edge\n"));
  }

  private static BaseFiles.Found alpineWith(String repositories) throws Exception {
    return new Base().file("etc/os-release", "ID=alpine\n").file("etc/apk/keys/k.rsa.pub", "PEM")
        .file("etc/apk/repositories", repositories).found();
  }

  private static String refused(String repositories) {
    return assertThrows(PackageException.class, () -> BaseRepositories.alpine("alpine", alpineWith(repositories))).getMessage();
  }
}
