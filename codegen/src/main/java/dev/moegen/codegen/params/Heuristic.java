package dev.moegen.codegen.params;

import dev.moegen.codegen.params.KernelParams.Gemm;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.types.DType;
import java.util.Optional;

/**
 * The defaults when neither the user nor the tuned database sets a parameter. They follow the main loop, so
 * choosing {@code gemm=mma} alone also picks the tensor-core tiles, warps and stages.
 * <ul>
 *   <li>Main loop: tensor cores where the target has them and the layer fits them (bf16/fp16, 16-byte rows):
 *       wgmma on sm_90a, mma.sync elsewhere; else the SIMT loop.
 *   <li>Without tensor cores, the tiled loop: BLOCK_M 16, because with top-k routing an expert sees ~T·K/E rows, below
 *       16 for decode and small batches (and a work-item whose rows are all padding returns at once); each work-item a
 *       4×2 register tile (with gate and up, 16 vector accumulators: what AVX-512's 32 registers hold with the loads), so
 *       each loaded B vector feeds 4 FMAs and each A vector 2 (4 gated); BLOCK_N 32 so a group is 4×16 work-items;
 *       vectors of the device's native width along K; no split-K.
 *   <li>SIMT (chosen by name): 16×16 tiles keep a 256-work-item group on every device.
 *   <li>Tensor cores: 64×64 tiles (the gated B tile is 128 rows: gate and up together, one wgmma n=128), K depth 64
 *       in 3 stages (83 KiB; wgmma 4 stages, 97 KiB: one stays with the group in flight), 4 warps stacked along M (one warpgroup), GROUP_M 8 so eight row tiles share each
 *       weight tile from L2, and split-K 4 for T ≤ 32, where GroupGEMM 2 otherwise has too few tiles to stream the
 *       weights at full bandwidth. Prefill on wgmma (an expert's mean rows ≥ 128): 128×128 tiles (the gated B tile
 *       256 rows, one m64n256k16 per warpgroup) with two warpgroups stacked along M, 4 stages (192 KiB gated; 3 where only sm_80's 163 KiB hold), the
 *       regime of the published H100 grouped GEMMs (CUTLASS, DeepGEMM, vLLM's tuned Triton configurations); below
 *       it a 128-row tile is mostly padding.
 *   <li>Gating: one warp per token where the target has shuffles, one work-item on a CPU, else the next power of two
 *       ≥ E (32…256); the scan
 *       group covers the experts twice (each expert's chunks in two segments; once on a CPU), 32…256; chunks of 64 assignments keep the count matrix small.
 * </ul>
 */
public final class Heuristic {
    /** The tiled loop's tile: see the class comment. */
    static final int TILED_BLOCK_M = 16, TILED_BLOCK_N = 32, TILED_MWI = 4, TILED_NWI = 2;

    private Heuristic() {}

    public static Gemm gemm(MoeLayerSpec s, Target t) {
        if (!t.caps().tensorCores() || tensorCoreShape(s).isPresent()) return Gemm.TILED;
        return t.caps().wgmma() ? Gemm.WGMMA : Gemm.MMA;
    }

    /** The defaults with the target's own main loop. */
    public static KernelParams defaults(MoeLayerSpec s, Target t) {
        return defaults(s, t, gemm(s, t));
    }

    /** Mean rows per expert from which the wgmma loop takes the prefill tiles (see the class comment). */
    public static final long PREFILL_ROWS_PER_EXPERT = 128;

    /** The defaults for main loop {@code g} at {@code tokens} tokens: the tiles follow the regime where the loop has one. */
    public static KernelParams defaults(MoeLayerSpec s, Target t, Gemm g, long tokens) {
        KernelParams d = defaults(s, t, g);
        if (g != Gemm.WGMMA || rowsPerExpert(s, tokens) < PREFILL_ROWS_PER_EXPERT) return d;
        // the deepest pipeline the target's limits hold (ahead of time: sm_80's shared memory, so 3 stages)
        ParameterSpace space = ParameterSpace.of(s, t);
        for (int stages = d.stages(); stages >= 3; stages--) {
            KernelParams prefill = d.toBuilder().set(Param.BLOCK_M, 128).set(Param.BLOCK_N, 128).set(Param.WARPS_M, 8).set(Param.STAGES, stages).build();
            if (space.violations(prefill).isEmpty()) return prefill;
        }
        return d;
    }

    /** Mean rows an expert id computes at {@code tokens} tokens (routed and shared). */
    static long rowsPerExpert(MoeLayerSpec s, long tokens) {
        return s.computedAssignments(Math.max(0, tokens)) / s.totalExperts();
    }

    /** The defaults for main loop {@code g} at decode sizes. */
    public static KernelParams defaults(MoeLayerSpec s, Target t, Gemm g) {
        int shuffle = t.caps().shuffleWidth();
        KernelParams.Builder b = KernelParams.builder().gemm(g)
                .set(Param.GATE_WG, shuffle > 0 ? shuffle : vectorDevice(t) ? 1 : clampPow2(s.experts(), 32, 256))
                // two work-items per expert where it fits, so the scan runs in segments; one on a CPU, where the group's barriers
                // cost passes over every work-item (qwen3 /8, PoCL: align 0.016-0.019 ms at 128, 0.021-0.022 at 256, T=512)
                .set(Param.SCAN_WG, clampPow2(vectorDevice(t) ? s.totalExperts() : 2 * s.totalExperts(), 32, 256))
                .set(Param.ALIGN_CHUNK, alignChunk(s))
                .set(Param.MWI, 1).set(Param.NWI, 1).set(Param.VW, 1) // read by the tiled loop alone
                .set(Param.PRODUCER, 0) // warp specialisation stays opt-in until measured on a Hopper GPU
                .set(Param.FUSE_COMBINE, 0).set(Param.SPLIT_K1, 1) // opt-in, like the producer, until a GPU has measured them
                .set(Param.BLOCK_N2, 0).set(Param.MWI2, 0).set(Param.NWI2, 0); // GroupGEMM 2 tiled as GroupGEMM 1
        if (g.tensorCores())
            return b.set(Param.BLOCK_M, 64).set(Param.BLOCK_N, 64).set(Param.BLOCK_K, 64).set(Param.WARPS_M, 4).set(Param.WARPS_N, 1)
                    .set(Param.STAGES, g == Gemm.WGMMA ? 4 : 3).set(Param.GROUP_M, 8).set(Param.SPLIT_K, 4).set(Param.SPLIT_MAX_TOKENS, 32).build();
        b.set(Param.WARPS_M, 1).set(Param.WARPS_N, 1).set(Param.STAGES, 1).set(Param.GROUP_M, 1).set(Param.SPLIT_K, 1).set(Param.SPLIT_MAX_TOKENS, 0);
        if (g == Gemm.TILED)
            return b.set(Param.BLOCK_M, TILED_BLOCK_M).set(Param.BLOCK_N, TILED_BLOCK_N).set(Param.BLOCK_K, 16)
                    .set(Param.MWI, TILED_MWI).set(Param.NWI, TILED_NWI).set(Param.VW, vectorWidth(t)).build();
        return b.set(Param.BLOCK_M, 16).set(Param.BLOCK_N, 16).set(Param.BLOCK_K, 16).build();
    }

    /**
     * Assignments per permutation work-item: 64, or one sequence's when the capacity holds per sequence, so each
     * work-item counts and ranks one sequence and the scan can cap every (sequence, expert) count.
     */
    public static int alignChunk(MoeLayerSpec s) {
        return s.perSequence() ? s.sequenceLength() * s.slotsPerToken() : 64;
    }

    /**
     * The tiled loop's vector width: 4 (16-byte loads) where threads run in warps, else the device's native float
     * vector width within [4, 16] (16 on AVX-512, 8 on AVX2).
     */
    public static int vectorWidth(Target t) {
        if (t.caps().shuffleWidth() > 0) return 4;
        int w = t.limits().simdWidth();
        return w <= 4 ? 4 : Math.min(16, Integer.highestOneBit(w));
    }

    /**
     * A device that runs a work-group on one core in SIMD vectors (a CPU: native float width ≥ 4, no warps): there a
     * work-group's barriers cost loop passes over all its work-items, so gating uses one work-item per token, which
     * selects by one insertion pass (measured: qwen3 /8 T=512 gating 0.41 ms at 1, 1.4 ms at 4, 5.9 ms at 128).
     */
    static boolean vectorDevice(Target t) {
        return t.caps().shuffleWidth() == 0 && t.limits().simdWidth() >= 4;
    }

    /** Empty when the layer can run on tensor cores, else why not. */
    public static Optional<String> tensorCoreShape(MoeLayerSpec s) {
        if (s.dtype() != DType.BF16 && s.dtype() != DType.FP16)
            return Optional.of("dtype = " + s.dtype().id() + ": tensor-core loops take bf16 or fp16");
        if (s.hidden() % 8 != 0 || s.intermediate() % 8 != 0)
            return Optional.of("hidden = " + s.hidden() + ", intermediate = " + s.intermediate() + ": both must be multiples of 8 (16-byte rows)");
        return Optional.empty();
    }

    private static int clampPow2(int n, int lo, int hi) {
        int v = Integer.highestOneBit(Math.max(1, n - 1)) << 1;
        return Math.max(lo, Math.min(hi, v));
    }
}
