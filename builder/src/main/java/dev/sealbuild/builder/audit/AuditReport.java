package dev.sealbuild.builder.audit;

import java.util.List;

/** Every entry of every layer with its origin; the audit passes when none is unaccounted. */
public record AuditReport(String image, List<AuditedFile> files) {
  public AuditReport {
    files = List.copyOf(files);
  }

  public List<AuditedFile> unaccounted() {
    return files.stream().filter(f -> !f.origin().accounted()).toList();
  }
}
