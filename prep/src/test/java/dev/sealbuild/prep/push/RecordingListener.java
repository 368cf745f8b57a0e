package dev.sealbuild.prep.push;

import dev.sealbuild.prep.registry.BlobPush;
import dev.sealbuild.formats.oci.Descriptor;
import java.util.ArrayList;
import java.util.List;

/** Keeps every push event as a line: {@code UPLOADED sha256:...}, {@code MOUNTED sha256:... from base}, {@code manifest REF}. */
final class RecordingListener implements PushListener {
  final List<String> events = new ArrayList<>();

  @Override
  public void blob(Descriptor blob, BlobPush outcome, String mountedFrom) {
    events.add(outcome + " " + blob.digest() + (mountedFrom != null ? " from " + mountedFrom : ""));
  }

  @Override
  public void manifest(Descriptor manifest, String reference) {
    events.add("manifest " + reference);
  }

  long count(BlobPush outcome) {
    return events.stream().filter(e -> e.startsWith(outcome + " ")).count();
  }

  List<String> manifests() {
    return events.stream().filter(e -> e.startsWith("manifest ")).map(e -> e.substring("manifest ".length())).toList();
  }
}
