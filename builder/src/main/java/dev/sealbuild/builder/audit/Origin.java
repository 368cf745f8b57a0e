package dev.sealbuild.builder.audit;

/**
 * Where a file in an image came from: a {@code kind} ({@code package}, {@code file}, {@code copy},
 * {@code base-image}, {@code rootfs}, {@code step} (a {@code run:} step made it), {@code whiteout} (a deletion by a step), {@code generated}, or {@code unaccounted}) and a human description
 * naming the pinned input (package name, version and repository; URL; local path; base image digest and layer).
 */
public record Origin(String kind, String description) {
  public static Origin unaccounted(String why) {
    return new Origin("unaccounted", why);
  }

  public boolean accounted() {
    return !kind.equals("unaccounted");
  }
}
