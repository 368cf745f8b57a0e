package dev.sealbuild.prep.alpine;

/** A signed index or package whose signature is missing, wrong, or made with a key we do not trust. */
public final class ApkSignatureException extends ApkException {
  private static final long serialVersionUID = 1L;

  /** Why verification failed; each reason has its own message wording. */
  public enum Reason {
    /** No {@code .SIGN.*} entry at all. */
    MISSING,
    /** The signature names a key we have, but does not verify. */
    BAD,
    /** Every signature names a key that is not in the keyring. */
    UNKNOWN_KEY
  }

  private final Reason reason;

  public ApkSignatureException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
