package dev.sealbuild.formats.compress;

/** A compression a blob or archive declares (by media type or file name); never guessed from the bytes. */
public enum Compression {
  NONE, GZIP, XZ, ZSTD
}
