package dev.moegen.codegen.plan;

import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.types.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tunable kernel parameters. The autotuner searches them; {@link #heuristic} gives the default per target.
 *
 * @param gemm           GroupGEMM main loop: {@link Gemm}
 * @param blockM         rows per GroupGEMM tile = permutation padding granularity
 * @param blockN         output columns per tile (gate and up columns count once)
 * @param blockK         reduction depth staged per pipeline stage
 * @param warpsM         warps along M (tensor-core loops; SIMT ignores warps)
 * @param warpsN         warps along N
 * @param stages         shared-memory pipeline depth (tensor-core loops; ≥ 2 so loads overlap math)
 * @param groupM         tiles along M visited together so a weight tile is reused from L2 (tensor-core loops)
 * @param splitK         K slices of GroupGEMM 2 for small batches; the combine kernel sums the slices in order
 * @param splitMaxTokens split-K applies when T ≤ this (the decode path); larger T use one slice
 * @param gateWg         work-items per token in the gating kernel (power of two)
 * @param scanWg         work-items of the single permutation-scan work-group (power of two)
 * @param alignChunk     assignments per work-item in the permutation count/scatter
 */
public record KernelParams(Gemm gemm, int blockM, int blockN, int blockK, int warpsM, int warpsN, int stages, int groupM,
                           int splitK, int splitMaxTokens, int gateWg, int scanWg, int alignChunk) {

    /** GroupGEMM main loops. */
    public enum Gemm {
        /** one work-item per output element, fp32 FMAs from local-memory tiles: any device, any dtype */
        SIMT,
        /** warp-level m16n8k16 tensor-core fragments (mma.sync, sm_80+) fed by a cp.async pipeline; bf16/fp16 */
        MMA,
        /** warpgroup wgmma.mma_async from swizzled shared memory on sm_90a, the MMA loop on other architectures */
        WGMMA;

        public String id() {
            return name().toLowerCase();
        }

        public boolean tensorCores() {
            return this != SIMT;
        }

        public static Gemm parse(String s) {
            for (Gemm g : values()) if (g.id().equalsIgnoreCase(s)) return g;
            throw new IllegalArgumentException("gemm = '" + s + "': allowed: simt, mma, wgmma");
        }
    }

    /** Largest dynamic shared memory a tile may use: Ampere's 163 KiB per block (Hopper has 227 KiB). */
    public static final int MAX_SHARED_BYTES = 163 * 1024;

    /** The SIMT loop with explicit tiles, as the OpenCL default and tests use it. */
    public static KernelParams simt(int blockM, int blockN, int blockK, int gateWg, int scanWg, int alignChunk) {
        return new KernelParams(Gemm.SIMT, blockM, blockN, blockK, 1, 1, 1, 1, 1, 0, gateWg, scanWg, alignChunk);
    }

    /**
     * Default for a target. OpenCL: the SIMT loop, BLOCK_M 16 because with top-k routing an expert sees
     * ~T·K/E rows, below 16 for decode and small batches; 16×16 tiles keep a 256-work-item group on every
     * device. CUDA with bf16/fp16: tensor cores, 64×64 tiles (the gated B tile is 128 rows: gate and up
     * together, one wgmma n=128), K depth 64 in 3 stages (83 KiB), 4 warps stacked along M (one warpgroup),
     * GROUP_M 8 so eight row tiles share each weight tile from L2, and split-K 4 for T ≤ 32, where GroupGEMM
     * 2 otherwise has too few tiles to stream the weights at full bandwidth. Gating: one warp per token on
     * CUDA (shuffle reductions), else the next power of two ≥ E (32…256); the scan group likewise covers the
     * experts; chunks of 64 assignments keep the count matrix small.
     */
    public static KernelParams heuristic(MoeLayerSpec s, Target target) {
        boolean cuda = target.backend() == dev.moegen.codegen.Backend.CUDA;
        int gate = cuda ? 32 : clampPow2(s.experts(), 32, 256), scan = clampPow2(s.totalExperts(), 32, 256);
        if (cuda && tensorCoreShape(s).isEmpty()) {
            Gemm g = target.hasWgmma() ? Gemm.WGMMA : Gemm.MMA;
            return new KernelParams(g, 64, 64, 64, 4, 1, 3, 8, 4, 32, gate, scan, 64);
        }
        return simt(16, 16, 16, gate, scan, 64);
    }

    /** Threads per GroupGEMM block. */
    public int gemmThreads() {
        return gemm == Gemm.SIMT ? blockM * blockN : 32 * warpsM * warpsN;
    }

    /** Rows of the staged B tile: gate and up rows together when the activation is gated. */
    public int bRows(boolean gated) {
        return gated ? 2 * blockN : blockN;
    }

    /** Dynamic shared memory of a tensor-core GroupGEMM block: the tiles, then the row table. */
    public int sharedBytes(boolean gated) {
        return gemm.tensorCores() ? (int) Math.min(Integer.MAX_VALUE, rowTableOffset(gated) + 4L * blockM) : 0;
    }

    /**
     * Bytes of staged tiles: the larger of the padded layout (rows of block_k + 8 elements, so fragment
     * loads hit 32 distinct banks) and, for wgmma, the 128-byte-swizzled layout plus 1 KiB to align it.
     */
    public long rowTableOffset(boolean gated) {
        long padded = (long) stages * (blockM + bRows(gated)) * (blockK + 8) * 2;
        long swizzled = gemm == Gemm.WGMMA ? (long) stages * (blockM + bRows(gated)) * blockK * 2 + 1024 : 0;
        return Math.max(padded, swizzled);
    }

    public KernelParams validated() {
        List<String> p = new ArrayList<>();
        range(p, "block_m", blockM, 1, 256);
        range(p, "block_n", blockN, 1, 256);
        range(p, "block_k", blockK, 1, 256);
        range(p, "split_k", splitK, 1, 64);
        range(p, "split_max_tokens", splitMaxTokens, 0, 1 << 20);
        range(p, "group_m", groupM, 1, 64);
        switch (gemm) {
            case SIMT -> {
                if ((long) blockM * blockN > 1024) p.add("block_m × block_n = " + (long) blockM * blockN + ": must be ≤ 1024 work-items");
            }
            case MMA, WGMMA -> {
                range(p, "warps_m", warpsM, 1, 16);
                range(p, "warps_n", warpsN, 1, 16);
                range(p, "stages", stages, 2, 8);
                if (warpsM * warpsN > 16) p.add("warps_m × warps_n = " + warpsM * warpsN + ": must be ≤ 16 (512 threads)");
                if (blockM % (16 * warpsM) != 0) p.add("block_m = " + blockM + ": must be a multiple of 16 × warps_m = " + 16 * warpsM);
                if (blockN % (8 * warpsN) != 0) p.add("block_n = " + blockN + ": must be a multiple of 8 × warps_n = " + 8 * warpsN);
                if (blockK % 16 != 0) p.add("block_k = " + blockK + ": must be a multiple of 16 for tensor cores");
                if (gemm == Gemm.WGMMA) {
                    if (warpsN != 1 || warpsM * 16 != blockM || blockM % 64 != 0)
                        p.add("gemm = wgmma: warps_n must be 1 and warps_m = block_m / 16 with block_m a multiple of 64 (one warpgroup per 64 rows); got "
                                + warpsM + "×" + warpsN + " warps for block_m " + blockM);
                    if (blockK % 64 != 0) p.add("block_k = " + blockK + ": wgmma tiles use 128-byte swizzled rows, so a multiple of 64");
                    if (blockN * 2 > 256 || blockN % 8 != 0) p.add("block_n = " + blockN + ": wgmma needs a multiple of 8 with the gated tile (2 × block_n) ≤ 256");
                }
                if (sharedBytes(true) > MAX_SHARED_BYTES)
                    p.add("shared memory " + sharedBytes(true) + " B (stages × (block_m + 2·block_n) × (block_k + 8) × 2): must be ≤ " + MAX_SHARED_BYTES);
            }
        }
        pow2(p, "gate_wg", gateWg, 1024);
        pow2(p, "scan_wg", scanWg, 1024);
        range(p, "align_chunk", alignChunk, 1, 4096);
        if (!p.isEmpty()) throw new IllegalArgumentException("invalid kernel parameters: " + String.join("; ", p));
        return this;
    }

    /** Also checks what the layer needs: tensor-core loops take bf16/fp16 with 16-byte-aligned rows. */
    public KernelParams validatedFor(MoeLayerSpec s) {
        validated();
        if (gemm.tensorCores()) tensorCoreShape(s).ifPresent(why -> {
            throw new IllegalArgumentException("invalid kernel parameters: gemm = " + gemm.id() + ": " + why);
        });
        return this;
    }

    /** Empty when the layer can run on tensor cores, else why not. */
    public static java.util.Optional<String> tensorCoreShape(MoeLayerSpec s) {
        if (s.dtype() != DType.BF16 && s.dtype() != DType.FP16)
            return java.util.Optional.of("dtype = " + s.dtype().id() + ": tensor-core loops take bf16 or fp16");
        if (s.hidden() % 8 != 0 || s.intermediate() % 8 != 0)
            return java.util.Optional.of("hidden = " + s.hidden() + ", intermediate = " + s.intermediate() + ": both must be multiples of 8 (16-byte rows)");
        return java.util.Optional.empty();
    }

    /** These parameters with some replaced, e.g. {gemm=mma, block_m=32}: the keys of {@link #asMap} in lower case; unknown keys and non-numbers are named in the error. */
    public KernelParams withOverrides(Map<String, String> o) {
        List<String> bad = new ArrayList<>();
        Map<String, Integer> v = new LinkedHashMap<>();
        for (var e : asMap().entrySet()) if (e.getValue() instanceof Integer i) v.put(e.getKey().toLowerCase(), i);
        Gemm g = gemm;
        for (var e : o.entrySet()) {
            String k = e.getKey().trim().toLowerCase().replace('-', '_'), val = e.getValue().trim();
            if (k.equals("gemm")) {
                try {
                    g = Gemm.parse(val);
                } catch (IllegalArgumentException x) {
                    bad.add(x.getMessage());
                }
            } else if (!v.containsKey(k)) bad.add("'" + e.getKey() + "': not a kernel parameter; allowed: " + String.join(", ", asMap().keySet()).toLowerCase());
            else try {
                v.put(k, Integer.parseInt(val));
            } catch (NumberFormatException x) {
                bad.add(k + " = '" + val + "': must be an integer");
            }
        }
        if (!bad.isEmpty()) throw new IllegalArgumentException("invalid kernel parameters: " + String.join("; ", bad));
        return new KernelParams(g, v.get("block_m"), v.get("block_n"), v.get("block_k"), v.get("warps_m"), v.get("warps_n"), v.get("stages"),
                v.get("group_m"), v.get("split_k"), v.get("split_max_tokens"), v.get("gate_wg"), v.get("scan_wg"), v.get("align_chunk"));
    }

    /** K slices of GroupGEMM 2 for {@code tokens} tokens. */
    public int splits(long tokens) {
        return tokens <= splitMaxTokens ? splitK : 1;
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("GEMM", gemm.id());
        m.put("BLOCK_M", blockM);
        m.put("BLOCK_N", blockN);
        m.put("BLOCK_K", blockK);
        m.put("WARPS_M", warpsM);
        m.put("WARPS_N", warpsN);
        m.put("STAGES", stages);
        m.put("GROUP_M", groupM);
        m.put("SPLIT_K", splitK);
        m.put("SPLIT_MAX_TOKENS", splitMaxTokens);
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
