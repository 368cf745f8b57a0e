package dev.sealbuild.prep.alpine;

/**
 * One entry of a package's data stream, as verified: a normalised relative path (no leading {@code ./},
 * no trailing slash, no {@code ..}), the ustar type ({@code '0'} file, {@code '1'} hard link,
 * {@code '2'} symlink, {@code '5'} directory), permissions, owner, size, link target, and the SHA-1 of
 * the content (of the target for symlinks) from the {@code APK-TOOLS.checksum.SHA1} PAX header when
 * present. What an installer needs to write {@code lib/apk/db/installed}.
 */
public record ApkDataEntry(String path, char type, int mode, long uid, long gid, long size, long mtime,
                           String linkTarget, String sha1Hex) {

  public boolean isDirectory() {
    return type == '5';
  }

  public boolean isRegularFile() {
    return type == '0';
  }

  public boolean isSymlink() {
    return type == '2';
  }

  public boolean isHardLink() {
    return type == '1';
  }
}
