package dev.sealbuild.lockfiles.diff;

import dev.sealbuild.formats.oci.Platform;
import java.util.Comparator;
import java.util.List;

/**
 * A base package one lock removes and the other does not ({@code removed}): {@link Change#ADDED} when only the newer lock
 * removes it, {@link Change#REMOVED} when only the older one did, on {@code platforms}.
 */
public record RemovalChange(Change change, String name, String version, List<Platform> platforms)
    implements Comparable<RemovalChange> {
  private static final Comparator<RemovalChange> ORDER = Comparator.comparing(RemovalChange::name)
      .thenComparing(RemovalChange::version).thenComparing(RemovalChange::change);

  public RemovalChange {
    platforms = List.copyOf(platforms);
  }

  @Override
  public int compareTo(RemovalChange o) {
    return ORDER.compare(this, o);
  }
}
