package dev.sealbuild.builder.archive;

import dev.sealbuild.formats.tar.TarReader;
import dev.sealbuild.builder.fs.EntryPath;

/**
 * How entries of one archive land in the image.
 *
 * @param destination directory the archive is unpacked into (the root for a root filesystem)
 * @param confined entries must stay below {@code destination} (after resolving links inside the image),
 *     and absolute names are refused; used for {@code files: extract}
 * @param owner when set, every entry takes this uid:gid instead of the archive's
 * @param allowSpecialFiles devices and FIFOs are kept as metadata (base layers) instead of refused
 * @param epoch build epoch: mtimes are clamped to it
 * @param label names the source in error messages
 * @param maxEntries most entries the archive may hold, repeated names included
 */
public record IngestPolicy(
    EntryPath destination, boolean confined, long[] owner, boolean allowSpecialFiles, long epoch, String label, long maxEntries,
    boolean whiteouts) {
  public static final long MAX_ENTRIES_PER_ARCHIVE = dev.sealbuild.formats.tar.TarReader.MAX_ENTRIES;

  public IngestPolicy(EntryPath destination, boolean confined, long[] owner, boolean allowSpecialFiles, long epoch, String label) {
    this(destination, confined, owner, allowSpecialFiles, epoch, label, MAX_ENTRIES_PER_ARCHIVE, false);
  }

  public IngestPolicy(EntryPath destination, boolean confined, long[] owner, boolean allowSpecialFiles, long epoch, String label,
      long maxEntries) {
    this(destination, confined, owner, allowSpecialFiles, epoch, label, maxEntries, false);
  }

  /**
   * A base image's layer, read to know what the image holds (the blob itself is reused as it is): OCI
   * whiteouts ({@code .wh.NAME}, {@code .wh..wh..opq}) delete from the layers below; devices are kept.
   */
  public static IngestPolicy baseLayer(long epoch, String label) {
    return new IngestPolicy(EntryPath.ROOT, false, null, true, epoch, label, MAX_ENTRIES_PER_ARCHIVE, true);
  }

  public static IngestPolicy rootfs(long epoch, String label) {
    return new IngestPolicy(EntryPath.ROOT, false, null, true, epoch, label);
  }

  public static IngestPolicy extract(EntryPath destination, long uid, long gid, long epoch, String label) {
    return new IngestPolicy(destination, true, new long[] {uid, gid}, false, epoch, label);
  }

  /** A local archive a Dockerfile ADDs: confined to {@code destination}, owners as archived (as {@code tar -x} by root). */
  public static IngestPolicy extractAsArchived(EntryPath destination, long epoch, String label) {
    return new IngestPolicy(destination, true, null, false, epoch, label);
  }

  /** A distribution package's data: owners and modes as packaged, no devices, mtimes clamped. */
  public static IngestPolicy packageData(long epoch, String label) {
    return new IngestPolicy(EntryPath.ROOT, false, null, false, epoch, label);
  }

  /** The same policy with another entry limit (tests use small ones). */
  public IngestPolicy withMaxEntries(long limit) {
    return new IngestPolicy(destination, confined, owner, allowSpecialFiles, epoch, label, limit, whiteouts);
  }
}
