package dev.sealbuild.builder.provenance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The openssl command line, run in a directory: real PEM keys and an independent check of signatures. */
final class OpenSsl {
  record Result(int exit, String output) {}

  private final Path dir;

  OpenSsl(Path dir) {
    this.dir = dir;
  }

  /** Runs {@code openssl ARGS...}; output is stdout and stderr together. */
  Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("openssl " + String.join(" ", args) + " did not finish");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Runs and requires success. */
  String ok(String... args) throws IOException, InterruptedException {
    Result r = run(args);
    if (r.exit() != 0) {
      throw new AssertionError("openssl " + String.join(" ", args) + " failed (exit " + r.exit() + "): " + r.output());
    }
    return r.output();
  }

  Path ed25519(String name) throws IOException, InterruptedException {
    ok("genpkey", "-algorithm", "ed25519", "-out", name);
    return dir.resolve(name);
  }

  /** SEC1 {@code EC PRIVATE KEY}, as {@code openssl ecparam -genkey} writes it. */
  Path ecSec1(String name) throws IOException, InterruptedException {
    ok("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name);
    return dir.resolve(name);
  }

  /** PKCS#8 {@code PRIVATE KEY}, as {@code openssl genpkey} writes it. */
  Path ecPkcs8(String name) throws IOException, InterruptedException {
    ok("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name);
    return dir.resolve(name);
  }

  Path publicKey(Path privateKey, String name) throws IOException, InterruptedException {
    ok("pkey", "-in", privateKey.toString(), "-pubout", "-out", name);
    return dir.resolve(name);
  }

  byte[] publicKeyDer(Path privateKey) throws IOException, InterruptedException {
    Path der = dir.resolve(privateKey.getFileName() + ".pub.der");
    ok("pkey", "-in", privateKey.toString(), "-pubout", "-outform", "DER", "-out", der.toString());
    return Files.readAllBytes(der);
  }
}
