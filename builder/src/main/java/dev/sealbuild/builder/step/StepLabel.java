package dev.sealbuild.builder.step;

/** Which step this is, for messages and history: step {@code number} (from 1) of a stage, or of the image when {@code stage} is null. */
public record StepLabel(String stage, int number) {
  @Override
  public String toString() {
    return "run step " + number + " of " + (stage == null ? "the image" : "stage " + stage);
  }
}
