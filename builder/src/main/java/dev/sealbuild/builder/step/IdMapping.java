package dev.sealbuild.builder.step;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How container user and group ids map to the host's. As root: container ids 0..65535 map to a host range no host
 * account uses, so a step can {@code chown} and the materialized tree is owned by that range: root's range in
 * {@code /etc/subuid} and {@code /etc/subgid} when it has one of at least 65536 ids, else {@link #FIXED_BASE}
 * (far above the ids distributions hand out, below 2^31). Not root: only the caller's uid and gid, mapped to 0;
 * such a step cannot give a file another owner.
 *
 * @param size how many ids are mapped, from container id 0
 */
public record IdMapping(long hostUid, long hostGid, long size, boolean rootless) {
  public static final long FIXED_BASE = 1_500_000_000L;
  public static final long FULL_RANGE = 65536;
  /** Fewer subordinate ids than this are not worth a range: nobody (65534) would not fit anyway. */
  static final long MIN_RANGE = 65535;

  /** The mapping for the current process. */
  public static IdMapping forCurrentUser() {
    com.sun.security.auth.module.UnixSystem self = new com.sun.security.auth.module.UnixSystem();
    if (self.getUid() != 0) {
      return new IdMapping(self.getUid(), self.getGid(), 1, true);
    }
    try {
      long uidBase = subordinateBase(Path.of("/etc/subuid"));
      long gidBase = subordinateBase(Path.of("/etc/subgid"));
      Path uidMap = Path.of("/proc/self/uid_map");
      Path gidMap = Path.of("/proc/self/gid_map");
      if (maps(uidMap, uidBase) && maps(gidMap, gidBase)) {
        return new IdMapping(uidBase, gidBase, FULL_RANGE, false);
      }
      // Root of a user namespace a user made with their subordinate ids (unshare --map-root-user --map-auto, as
      // ./build does): those ids, 1 and up inside, become the container's.
      long[] uids = innerRange(uidMap);
      long[] gids = innerRange(gidMap);
      if (uids != null && gids != null) {
        return new IdMapping(uids[0], gids[0], Math.min(FULL_RANGE, Math.min(uids[1], gids[1])), false);
      }
      // Root inside a user namespace that maps only itself (unshare --map-root-user) cannot map a range.
      return new IdMapping(0, 0, 1, true);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** One line of /proc/self/uid_map or gid_map: ids {@code inside ..} here are {@code count} ids of the parent's. */
  private record MapLine(long inside, long count) {}

  /** The lines of an id map; null when it cannot be read (not Linux, or no /proc). */
  private static List<MapLine> mapLines(Path idMap) throws IOException {
    if (!Files.isReadable(idMap)) {
      return null;
    }
    List<MapLine> lines = new ArrayList<>();
    for (String line : Files.readAllLines(idMap, StandardCharsets.UTF_8)) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 3) {
        try {
          lines.add(new MapLine(Long.parseLong(f[0]), Long.parseLong(f[2])));
        } catch (NumberFormatException e) {
          return List.of();
        }
      }
    }
    return lines;
  }

  /** The first range of at least {@link #MIN_RANGE} ids above 0 in an id map, as {start, count}; null when none. */
  static long[] innerRange(Path idMap) throws IOException {
    List<MapLine> lines = mapLines(idMap);
    return lines == null ? null : lines.stream().filter(l -> l.inside() > 0 && l.count() >= MIN_RANGE)
        .map(l -> new long[] {l.inside(), l.count()}).findFirst().orElse(null);
  }

  /** Whether this process's user namespace has ids {@code base .. base+65535} (a line of /proc/self/uid_map covers them). */
  static boolean maps(Path idMap, long base) throws IOException {
    List<MapLine> lines = mapLines(idMap);
    return lines == null || lines.stream().anyMatch(l -> l.inside() <= base && base + FULL_RANGE <= l.inside() + l.count());
  }

  /** Root's first range of at least 65536 ids in a subordinate id file, or {@link #FIXED_BASE}. */
  static long subordinateBase(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return FIXED_BASE;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.trim().split(":");
      if (f.length == 3 && (f[0].equals("root") || f[0].equals("0"))) {
        try {
          long start = Long.parseLong(f[1]);
          long count = Long.parseLong(f[2]);
          if (count >= FULL_RANGE && start > 0 && start + FULL_RANGE <= Integer.MAX_VALUE) {
            return start;
          }
        } catch (NumberFormatException e) {
          // not a range line: ignore it as shadow-utils does
        }
      }
    }
    return FIXED_BASE;
  }

  public long toHostUid(long containerUid) {
    return rootless ? hostUid : hostUid + containerUid;
  }

  public long toHostGid(long containerGid) {
    return rootless ? hostGid : hostGid + containerGid;
  }

  /** The container's view of a host uid, or -1 when it is outside the mapping. */
  public long toContainerUid(long host) {
    return host >= hostUid && host < hostUid + size ? host - hostUid : -1;
  }

  public long toContainerGid(long host) {
    return host >= hostGid && host < hostGid + size ? host - hostGid : -1;
  }
}
