package dev.sealbuild.builder.audit;

/**
 * One entry of one layer of an audited image: the platform, the layer (1-based) and its blob digest, the path,
 * its type ({@code file}, {@code dir}, {@code symlink}, {@code hardlink}, {@code device}, {@code fifo},
 * {@code whiteout}), the sha256 of a file's bytes (else null) and its origin.
 */
public record AuditedFile(String platform, int layer, String layerDigest, String path, String type, String sha256, Origin origin) {}
