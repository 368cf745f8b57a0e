package dev.sealbuild.builder.step;

import dev.sealbuild.builder.fs.EntryPath;
import java.util.Map;
import java.util.Set;

/**
 * What {@link Materializer} put on disk: for each regular file its inode and change time right after it was
 * written (an unchanged pair after the step means unchanged bytes: no process can set a change time), and the
 * paths of the merged view it left out (devices, FIFOs), which the read-back does not count as deleted.
 */
record MaterializedTree(Map<EntryPath, FileStamp> files, Set<EntryPath> skipped) {
  record FileStamp(Object inode, Object ctime, long size) {}
}
