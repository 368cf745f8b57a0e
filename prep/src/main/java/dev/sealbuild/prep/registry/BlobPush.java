package dev.sealbuild.prep.registry;

/** What pushing one blob took. */
public enum BlobPush {
  /** The repository already had it: nothing sent. */
  EXISTED,
  /** Mounted from another repository of the same registry: nothing sent. */
  MOUNTED,
  /** Uploaded. */
  UPLOADED
}
