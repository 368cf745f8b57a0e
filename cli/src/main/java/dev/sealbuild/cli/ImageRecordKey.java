package dev.sealbuild.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.formats.json.CanonicalJson;
import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The key of an image record (builder's ImageRecords): everything but the spec's variables and local sources that
 * determines the image {@code build image} makes: this sealbuild (its version and its jar), the bytes of
 * {@code build.yaml} and {@code build.lock.json}, and the options and environment that reach the image. Made from
 * bytes, without parsing anything, so that finding an unchanged image costs less than reading the spec.
 */
final class ImageRecordKey {
  private static final int FORMAT = 1;

  private ImageRecordKey() {}

  /**
   * The key and the spec's directory, or empty when the project is not a {@code build.yaml} with a lock beside it
   * (a Dockerfile, a missing file: the build says what is wrong) or the environment cannot be read.
   */
  static Optional<Map.Entry<Sha256, Path>> of(Environment env, Path pathOrDir, Map<String, Object> options) {
    try {
      Path given = env.workingDir().resolve(pathOrDir == null ? Path.of(".") : pathOrDir).toAbsolutePath().normalize();
      Path specFile = Files.isDirectory(given) ? given.resolve(SpecReader.DEFAULT_FILE_NAME) : given;
      if (Project.isDockerfileName(specFile) || !Files.isRegularFile(specFile, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      Path lockFile = LockfileIO.besideSpec(specFile);
      ObjectNode key = CanonicalJson.mapper().createObjectNode();
      key.put("format", FORMAT);
      key.put("sealbuild", VersionProvider.version());
      String code = codeIdentity();
      if (code == null) {
        return Optional.empty();
      }
      key.put("code", code);
      key.put("spec", Sha256.hash(specFile).toString());
      key.put("lock", Sha256.hash(lockFile).toString());
      Long epoch = env.sourceDateEpoch();
      if (epoch != null) {
        key.put("source_date_epoch", epoch);
      }
      options.forEach((name, value) -> key.put(name, String.valueOf(value)));
      return Optional.of(Map.entry(Sha256.hash(CanonicalJson.compact(key)), specFile.getParent()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The jar this code runs from, by size and modification time: a rebuilt sealbuild never reuses a record; null when
   * it cannot be told (then nothing is recorded).
   */
  private static String codeIdentity() throws IOException {
    try {
      Path code = Path.of(ImageRecordKey.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(code) ? "jar " + Files.size(code) + " " + Files.getLastModifiedTime(code).toMillis()
          : "classes " + code;
    } catch (java.net.URISyntaxException | SecurityException | NullPointerException e) {
      return null;
    }
  }
}
