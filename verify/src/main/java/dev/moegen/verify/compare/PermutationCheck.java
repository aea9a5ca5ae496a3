package dev.moegen.verify.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * Structural checks of a block-padded permutation, independent of any reference: every kept
 * (token, slot) appears exactly once, every block belongs to one expert that matches the
 * assignment's id, padding sits only at the end of each expert's run, and the inverse map agrees.
 */
public final class PermutationCheck {
    private PermutationCheck() {}

    public static List<String> problems(int[] ids, int[] sorted, int[] expertIds, int numPostPadded, int[] slotPosition, int blockM) {
        List<String> p = new ArrayList<>();
        int n = ids.length;
        if (numPostPadded % blockM != 0) p.add("num_tokens_post_padded = " + numPostPadded + " is not a multiple of block " + blockM);
        if (numPostPadded > sorted.length) {
            p.add("num_tokens_post_padded = " + numPostPadded + " exceeds sorted_token_ids length " + sorted.length);
            return p;
        }
        int[] seen = new int[n];
        int prevExpert = -1;
        for (int b = 0; b * blockM < numPostPadded; b++) {
            int e = expertIds[b];
            if (e < prevExpert) p.add("block " + b + ": expert " + e + " after expert " + prevExpert + " (runs must be grouped)");
            boolean padding = false;
            for (int r = 0; r < blockM; r++) {
                int pos = b * blockM + r, a = sorted[pos];
                if (a == n) {
                    padding = true;
                    continue;
                }
                if (a < 0 || a > n) { p.add("position " + pos + ": id " + a + " out of range"); continue; }
                if (padding) p.add("position " + pos + ": assignment after padding inside block " + b);
                if (ids[a] != e) p.add("position " + pos + ": assignment " + a + " has expert " + ids[a] + " in a block of expert " + e);
                if (slotPosition[a] != pos) p.add("slot_position[" + a + "] = " + slotPosition[a] + " but it sits at " + pos);
                seen[a]++;
            }
            if (padding && b + 1 < numPostPadded / blockM && expertIds[b + 1] == e)
                p.add("block " + b + ": padding inside expert " + e + "'s run");
            prevExpert = e;
            if (p.size() > 20) return p;
        }
        for (int a = 0; a < n; a++) {
            int want = ids[a] >= 0 ? 1 : 0;
            if (seen[a] != want) p.add("assignment " + a + " (expert " + ids[a] + ") appears " + seen[a] + " times, want " + want);
            if (want == 0 && slotPosition[a] != -1) p.add("dropped assignment " + a + " has slot_position " + slotPosition[a]);
            if (p.size() > 20) break;
        }
        return p;
    }
}
