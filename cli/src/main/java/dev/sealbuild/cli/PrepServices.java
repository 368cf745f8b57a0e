package dev.sealbuild.cli;

final class PrepServices implements AutoCloseable {
  static PrepServices create(Environment e, java.nio.file.Path c, java.io.PrintStream err) { return new PrepServices(); }
  dev.sealbuild.prep.lock.Downloader downloader() { return (u, l) -> { throw new java.io.IOException("todo"); }; }
  dev.sealbuild.prep.lock.Locker.LocalImporter importer() { return (u, l) -> { throw new java.io.IOException("todo"); }; }
  public void close() {}
}
