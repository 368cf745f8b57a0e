package dev.sealbuild.prep.alpine;

import dev.sealbuild.testsupport.apk.SigningKey;
import dev.sealbuild.testsupport.apk.TestApk;
import dev.sealbuild.testsupport.apk.TestApkIndex;
import java.util.List;
import java.util.Map;

/** Prep's types for what test-support's apk builder makes: the index record as an ApkPackage, the key in a keyring. */
final class TestApks {
  private TestApks() {}

  static ApkPackage record(TestApk.Built apk) {
    TestApkIndex.Entry e = apk.indexEntry();
    return new ApkPackage(e.checksum(), e.name(), e.version(), e.arch(), e.size(), e.installedSize(), e.description(),
        e.url(), e.license(), e.origin(), e.maintainer(), e.buildTime(), e.commit(), atoms(e.depends()),
        atoms(e.provides()), atoms(e.installIf()), 0, List.of(), 0, true);
  }

  static ApkPackageVerifier.Expected expected(TestApk.Built apk) {
    return ApkPackageVerifier.Expected.of(record(apk));
  }

  static ApkKeyring keyring(SigningKey key) {
    return ApkKeyring.fromPem(Map.of(key.name(), key.publicPem()));
  }

  private static List<ApkDependency> atoms(List<String> atoms) {
    return atoms.stream().map(ApkDependency::parse).toList();
  }
}
