package dev.sealbuild.builder.audit;

/** Whether an offline rebuild gave the audited image's digest, and if not, the first difference found and why. */
public record Reproduction(boolean reproduced, String rebuiltDigest, String difference) {}
