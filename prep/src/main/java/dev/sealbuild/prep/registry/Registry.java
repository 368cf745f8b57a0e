package dev.sealbuild.prep.registry;

import dev.sealbuild.formats.digest.Sha256;
import java.io.OutputStream;
import java.util.List;

/** Reads images from OCI / Docker v2 registries. Every failure is a one-line {@link RegistryException}. */
public interface Registry {

  /**
   * Pins {@code reference} to a digest and resolves one image manifest per requested platform. An index yields
   * one manifest per platform (an error lists the platforms it has when one is missing); a single manifest serves
   * its own platform, read from its config (an empty {@code platforms} list accepts whatever it is).
   */
  ResolvedImage resolve(ImageReference reference, List<Platform> platforms);

  /**
   * Streams blob {@code digest} of {@code repository}'s repository to {@code out}, refusing (with an exception
   * after at most {@code size + 1} bytes) a blob longer or shorter than {@code size} or with another digest.
   * Bytes already written to {@code out} when it fails must be discarded by the caller.
   */
  void fetchBlob(ImageReference repository, Sha256 digest, long size, OutputStream out);

  /**
   * Fetches manifest or index {@code descriptor} of {@code repository} by digest, byte-exact, refusing bytes that
   * do not hash to the descriptor's digest or are not the size or the media type it declares.
   */
  byte[] fetchManifest(ImageReference repository, Descriptor descriptor);
}
