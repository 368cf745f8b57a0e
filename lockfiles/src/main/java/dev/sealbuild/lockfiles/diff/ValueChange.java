package dev.sealbuild.lockfiles.diff;

/** A single value that differs between two locks. */
public record ValueChange<T>(T from, T to) {}
