package dev.sealbuild.prep.push;

import dev.sealbuild.prep.registry.BlobPush;
import dev.sealbuild.formats.oci.Descriptor;

/** Hears about each step of a push as it completes. */
public interface PushListener {
  PushListener NONE = new PushListener() {
    @Override
    public void blob(Descriptor blob, BlobPush outcome, String mountedFrom) {}

    @Override
    public void manifest(Descriptor manifest, String reference) {}
  };

  /** {@code blob} is now in the repository; {@code mountedFrom} names the source repository of a mount attempt, else null. */
  void blob(Descriptor blob, BlobPush outcome, String mountedFrom);

  /** {@code manifest} was stored as {@code reference} ({@code registry/repository:tag} or {@code @digest}). */
  void manifest(Descriptor manifest, String reference);
}
