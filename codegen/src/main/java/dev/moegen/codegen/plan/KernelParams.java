package dev.moegen.codegen.plan;

import dev.moegen.dsl.layer.MoeLayerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tunable kernel parameters. The autotuner searches them; {@link #heuristic} gives the default.
 *
 * @param blockM     rows per GroupGEMM block = permutation padding granularity
 * @param blockN     output columns per GroupGEMM work-group
 * @param blockK     reduction depth staged per iteration
 * @param gateWg     work-items per token in the gating kernel (power of two)
 * @param scanWg     work-items of the single permutation-scan work-group (power of two)
 * @param alignChunk assignments per work-item in the permutation count/scatter
 */
public record KernelParams(int blockM, int blockN, int blockK, int gateWg, int scanWg, int alignChunk) {

    /**
     * Default: BLOCK_M 16 because with top-k routing an expert sees ~T·K/E rows, which is below 16 for
     * decode and small batches, and padding wastes at most BLOCK_M−1 rows per expert; BLOCK_N = BLOCK_K = 16
     * keep a 256-work-item group and 2–3 KiB of local memory per tile on every device; the gating
     * group is the next power of two ≥ E (32…256) so each work-item scores ≤ E/256 experts; the scan
     * group covers the expert count the same way; chunks of 64 assignments keep the count matrix
     * (T·K/64 × E) small while giving T·K/64 parallel work-items.
     */
    public static KernelParams heuristic(MoeLayerSpec s) {
        return new KernelParams(16, 16, 16, clampPow2(s.experts(), 32, 256), clampPow2(s.totalExperts(), 32, 256), 64);
    }

    public KernelParams validated() {
        List<String> p = new ArrayList<>();
        range(p, "block_m", blockM, 1, 128);
        range(p, "block_n", blockN, 1, 128);
        range(p, "block_k", blockK, 1, 128);
        if ((long) blockM * blockN > 1024) p.add("block_m × block_n = " + (long) blockM * blockN + ": must be ≤ 1024 work-items");
        pow2(p, "gate_wg", gateWg, 1024);
        pow2(p, "scan_wg", scanWg, 1024);
        range(p, "align_chunk", alignChunk, 1, 4096);
        if (!p.isEmpty()) throw new IllegalArgumentException("invalid kernel parameters: " + String.join("; ", p));
        return this;
    }

    public Map<String, Integer> asMap() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("BLOCK_M", blockM);
        m.put("BLOCK_N", blockN);
        m.put("BLOCK_K", blockK);
        m.put("GATE_WG", gateWg);
        m.put("SCAN_WG", scanWg);
        m.put("ALIGN_CHUNK", alignChunk);
        return m;
    }

    private static int clampPow2(int n, int lo, int hi) {
        int v = Integer.highestOneBit(Math.max(1, n - 1)) << 1;
        return Math.max(lo, Math.min(hi, v));
    }

    private static void range(List<String> p, String f, int v, int lo, int hi) {
        if (v < lo || v > hi) p.add(f + " = " + v + ": must be in [" + lo + ", " + hi + "]");
    }

    private static void pow2(List<String> p, String f, int v, int hi) {
        if (v < 1 || v > hi || Integer.bitCount(v) != 1) p.add(f + " = " + v + ": must be a power of two in [1, " + hi + "]");
    }
}
