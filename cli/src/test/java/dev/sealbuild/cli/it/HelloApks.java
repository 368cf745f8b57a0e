package dev.sealbuild.cli.it;

import dev.sealbuild.testsupport.apk.SigningKey;
import dev.sealbuild.testsupport.apk.TestApk;
import dev.sealbuild.testsupport.apk.TestApkIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A signed local Alpine mirror as the ITs use it: {@code hello} (a shell script that prints a text) depending on
 * {@code greeting-data} (the text), both at {@code version}, written with their APKINDEX into {@code archDir}.
 */
final class HelloApks {
  private HelloApks() {}

  static void write(Path archDir, SigningKey key, String version, String text) throws Exception {
    Files.createDirectories(archDir);
    TestApk.Built data = TestApk.pkg("greeting-data", version)
        .dir("usr").dir("usr/share").dir("usr/share/greeting").file("usr/share/greeting/text", text).build(key);
    TestApk.Built hello = TestApk.pkg("hello", version)
        .depends("greeting-data", "/bin/sh", "so:libc.musl-x86_64.so.1")
        .dir("usr").dir("usr/bin").file("usr/bin/hello", "#!/bin/sh\ncat /usr/share/greeting/text\n".getBytes(StandardCharsets.UTF_8), 0755)
        .build(key);
    for (TestApk.Built apk : List.of(data, hello)) {
      Files.write(archDir.resolve(apk.fileName()), apk.bytes());
    }
    Files.write(archDir.resolve("APKINDEX.tar.gz"), TestApkIndex.signed(List.of(data.indexEntry(), hello.indexEntry()), "test mirror", key));
  }
}
