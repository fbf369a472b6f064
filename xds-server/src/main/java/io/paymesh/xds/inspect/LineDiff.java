package io.paymesh.xds.inspect;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts, line by line, as {@code diff -u} prints it: {@code ---}/{@code +++}
 * headers, then hunks of changed lines with a few lines of context. The line matching is a
 * longest common subsequence, which is plenty for the few hundred lines of one Envoy resource.
 */
public final class LineDiff {
  static final int CONTEXT_LINES = 3;
  /** Above this many DP cells (n x m) the changed middle is shown as removed-then-added. */
  private static final long MAX_LCS_CELLS = 4_000_000;

  private enum Op { KEEP, REMOVE, ADD }

  private record Edit(Op op, String line) {}

  private LineDiff() {}

  /** The diff from {@code before} to {@code after}; empty when they are equal. */
  public static String unified(String beforeLabel, String before, String afterLabel, String after) {
    List<Edit> edits = edits(lines(before), lines(after));
    if (edits.stream().allMatch(e -> e.op() == Op.KEEP)) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    out.append("--- ").append(beforeLabel).append('\n');
    out.append("+++ ").append(afterLabel).append('\n');
    appendHunks(out, edits);
    return out.toString();
  }

  private static List<String> lines(String text) {
    return text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
  }

  /** Common prefix and suffix are kept as they are; the LCS runs on the middle only. */
  private static List<Edit> edits(List<String> a, List<String> b) {
    int prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix
        && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
      suffix++;
    }
    List<Edit> edits = new ArrayList<>();
    for (int i = 0; i < prefix; i++) {
      edits.add(new Edit(Op.KEEP, a.get(i)));
    }
    middle(a.subList(prefix, a.size() - suffix), b.subList(prefix, b.size() - suffix), edits);
    for (int i = a.size() - suffix; i < a.size(); i++) {
      edits.add(new Edit(Op.KEEP, a.get(i)));
    }
    return edits;
  }

  private static void middle(List<String> a, List<String> b, List<Edit> out) {
    int n = a.size();
    int m = b.size();
    if ((long) n * m > MAX_LCS_CELLS) {
      a.forEach(line -> out.add(new Edit(Op.REMOVE, line)));
      b.forEach(line -> out.add(new Edit(Op.ADD, line)));
      return;
    }
    // lcs[i][j] = length of the longest common subsequence of a[i..] and b[j..].
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j))
            ? lcs[i + 1][j + 1] + 1
            : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a.get(i).equals(b.get(j))) {
        out.add(new Edit(Op.KEEP, a.get(i++)));
        j++;
      } else if (j == m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
        // Removals before additions, so a changed line reads "-old" then "+new".
        out.add(new Edit(Op.REMOVE, a.get(i++)));
      } else {
        out.add(new Edit(Op.ADD, b.get(j++)));
      }
    }
  }

  /** Groups changes into hunks; changes closer than twice the context share one hunk. */
  private static void appendHunks(StringBuilder out, List<Edit> edits) {
    int start = 0;
    while (true) {
      int firstChange = nextChange(edits, start);
      if (firstChange < 0) {
        return;
      }
      int hunkStart = Math.max(start, firstChange - CONTEXT_LINES);
      int lastChange = firstChange;
      int next = nextChange(edits, lastChange + 1);
      while (next >= 0 && next - lastChange <= 2 * CONTEXT_LINES + 1) {
        lastChange = next;
        next = nextChange(edits, lastChange + 1);
      }
      int hunkEnd = Math.min(edits.size(), lastChange + 1 + CONTEXT_LINES);
      appendHunk(out, edits, hunkStart, hunkEnd);
      start = hunkEnd;
    }
  }

  private static int nextChange(List<Edit> edits, int from) {
    for (int k = from; k < edits.size(); k++) {
      if (edits.get(k).op() != Op.KEEP) {
        return k;
      }
    }
    return -1;
  }

  private static void appendHunk(StringBuilder out, List<Edit> edits, int from, int to) {
    int beforeLine = 1;
    int afterLine = 1;
    for (int k = 0; k < from; k++) {
      beforeLine += edits.get(k).op() != Op.ADD ? 1 : 0;
      afterLine += edits.get(k).op() != Op.REMOVE ? 1 : 0;
    }
    int beforeCount = 0;
    int afterCount = 0;
    for (int k = from; k < to; k++) {
      beforeCount += edits.get(k).op() != Op.ADD ? 1 : 0;
      afterCount += edits.get(k).op() != Op.REMOVE ? 1 : 0;
    }
    out.append("@@ -").append(range(beforeLine, beforeCount))
        .append(" +").append(range(afterLine, afterCount)).append(" @@\n");
    for (int k = from; k < to; k++) {
      Edit edit = edits.get(k);
      char marker = switch (edit.op()) {
        case KEEP -> ' ';
        case REMOVE -> '-';
        case ADD -> '+';
      };
      out.append(marker).append(edit.line()).append('\n');
    }
  }

  /** diff -u convention: an empty side is given as the line before it, e.g. {@code -0,0}. */
  private static String range(int start, int count) {
    return (count == 0 ? start - 1 : start) + "," + count;
  }
}
