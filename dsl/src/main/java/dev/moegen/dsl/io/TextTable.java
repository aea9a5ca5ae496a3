package dev.moegen.dsl.io;

import java.util.ArrayList;
import java.util.List;

/** Plain-text table with columns padded to their widest cell. */
public final class TextTable {
    private TextTable() {}

    public static String render(List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] w = new int[header.size()];
        for (List<String> r : all) for (int i = 0; i < r.size(); i++) w[i] = Math.max(w[i], r.get(i).length());
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < all.size(); k++) {
            List<String> r = all.get(k);
            for (int i = 0; i < r.size(); i++) sb.append(String.format("%-" + w[i] + "s", r.get(i))).append(i + 1 < r.size() ? "  " : "");
            sb.append('\n');
            if (k == 0) {
                for (int i = 0; i < w.length; i++) sb.append("-".repeat(w[i])).append(i + 1 < w.length ? "  " : "");
                sb.append('\n');
            }
        }
        return sb.toString().stripTrailing();
    }
}
