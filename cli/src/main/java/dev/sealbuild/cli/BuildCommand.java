package dev.sealbuild.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
        "sealbuild: deterministic, offline container image builds.",
        "",
        "  build lock    pin every input of build.yaml into build.lock.json (online)",
        "  build prep    fetch and verify every pinned input into the vendor cache (online)",
        "  build image   assemble the OCI image from the cache alone (offline, network disabled)",
        "  build push    publish a built image to a registry, keeping its digest (online)",
        "  build sbom    write an SPDX or CycloneDX SBOM from spec, lock and cache (offline)",
        "  build audit   account for every file of an image: which pinned input put it there",
        "  build diff    what changed between two lockfiles",
        ""},
    footer = {"", "Docs: docs/cli.md, docs/spec.md, docs/lockfile.md, docs/security.md"})
public final class BuildCommand implements Runnable {
  /** The subcommands, in the order help lists them; {@link Main} adds them (only the one run, when it is known). */
  static final List<Class<?>> SUBCOMMANDS = List.of(LockCommand.class, PrepCommand.class, ImageCommand.class,
      PushCommand.class, SbomCommand.class, AuditCommand.class, DiffCommand.class, ImportCommand.class, CacheCommand.class);

  @Spec CommandSpec commandSpec;

  @Override
  public void run() {
    commandSpec.commandLine().usage(commandSpec.commandLine().getOut());
  }
}
