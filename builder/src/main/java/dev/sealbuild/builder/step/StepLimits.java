package dev.sealbuild.builder.step;

/**
 * Disk bounds of a step, so that one filling the disk cannot fill the host: the largest file it may write
 * ({@code RLIMIT_FSIZE}), the free space its file system must keep (the step is killed when the usable space of the
 * work directory's file store drops below it), and how much of that space one step may use.
 */
public record StepLimits(long maxFileSize, long reserveBytes, long maxStepBytes) {
  public static final StepLimits DEFAULT = new StepLimits(32L << 30, 512L << 20, Long.MAX_VALUE);

  public StepLimits {
    if (maxFileSize <= 0 || reserveBytes < 0 || maxStepBytes <= 0) {
      throw new IllegalArgumentException("step limits must be positive");
    }
  }
}
