package dev.sealbuild.prep.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the cache's temporary files after the process writing them ({@code put-<pid>-<uuid>.part}) and tells, from
 * a name and a last-modified time, whether that writer can still be alive: a file is litter once no process has its
 * PID, or the process with that PID started after the file was last written (the PID was reused). Names without a
 * PID (left by older versions) are litter once older than a day.
 */
final class TempFileOwner {
  static final Duration UNNAMED_GRACE = Duration.ofDays(1);
  private static final Pattern WITH_PID = Pattern.compile("put-(\\d{1,18})-[0-9a-f-]{36}\\.part");

  private final long self;
  private final ProcessLookup processes;

  /** The start time of the live process with a PID, if there is one (empty start when unknown). */
  interface ProcessLookup {
    Optional<Optional<Instant>> startOf(long pid);

    ProcessLookup SYSTEM = pid -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .map(p -> p.info().startInstant());
  }

  TempFileOwner(long self, ProcessLookup processes) {
    this.self = self;
    this.processes = processes;
  }

  static TempFileOwner system() {
    return new TempFileOwner(ProcessHandle.current().pid(), ProcessLookup.SYSTEM);
  }

  String newName() {
    return "put-" + self + "-" + UUID.randomUUID() + ".part";
  }

  /** Why a temporary file is litter, or empty while its writer may still be working on it. */
  Optional<String> litter(String name, Instant lastModified, Instant now) {
    OptionalLong pid = writerPid(name);
    if (pid.isEmpty()) {
      return lastModified.isBefore(now.minus(UNNAMED_GRACE))
          ? Optional.of("temporary file untouched since " + lastModified + ", older than a day")
          : Optional.empty();
    }
    long writer = pid.getAsLong();
    if (writer == self) {
      return Optional.empty();
    }
    Optional<Optional<Instant>> live = processes.startOf(writer);
    if (live.isEmpty()) {
      return Optional.of("partial download left by process " + writer + ", which has ended");
    }
    Optional<Instant> started = live.get();
    if (started.isPresent() && started.get().isAfter(lastModified)) {
      return Optional.of("partial download left by an ended process " + writer
          + " (the PID now belongs to a process started later)");
    }
    return Optional.empty();
  }

  static OptionalLong writerPid(String name) {
    Matcher m = WITH_PID.matcher(name);
    return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }
}
