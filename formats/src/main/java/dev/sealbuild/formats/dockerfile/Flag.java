package dev.sealbuild.formats.dockerfile;

/** A builder flag: {@code name} without the leading {@code --}; {@code value} null for a bare flag like --link. */
public record Flag(String name, String value) {}
