package dev.sealbuild.formats.text;

/**
 * The edit distance behind every "did you mean" suggestion: optimal string alignment (Damerau-Levenshtein without
 * repeated edits of one substring), so insertions, deletions, substitutions and a swap of two adjacent characters
 * each count one.
 */
public final class EditDistance {
  private EditDistance() {}

  public static int between(String a, String b) {
    return within(a, b, Integer.MAX_VALUE - 1);
  }

  /** The distance when it is at most {@code limit}; otherwise {@code limit + 1} (giving up as soon as that is certain). */
  public static int within(String a, String b, int limit) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int rowMin = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
        rowMin = Math.min(rowMin, v);
      }
      if (rowMin > limit) {
        return limit + 1;
      }
    }
    return Math.min(d[a.length()][b.length()], limit + 1);
  }
}
