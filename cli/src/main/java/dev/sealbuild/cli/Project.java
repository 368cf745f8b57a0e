package dev.sealbuild.cli;

import dev.sealbuild.lockfiles.lock.LockfileIO;
import dev.sealbuild.lockfiles.spec.BuildSpec;
import dev.sealbuild.lockfiles.spec.SpecReader;
import java.nio.file.Path;

/** A spec file, its directory, its parsed spec and where its lockfile lives. */
record Project(Path specFile, Path specDir, BuildSpec spec, Path lockFile) {
  static Project load(Environment env, Path pathOrDir) {
    Path specFile = SpecReader.locate(env.workingDir().resolve(pathOrDir == null ? Path.of(".") : pathOrDir));
    BuildSpec spec = new SpecReader(env.variables()).read(specFile);
    return new Project(specFile, specFile.getParent(), spec, LockfileIO.besideSpec(specFile));
  }
}
