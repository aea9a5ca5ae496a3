package dev.moegen.codegen.params;

import static dev.moegen.codegen.params.Family.*;

import dev.moegen.codegen.params.KernelParams.Gemm;
import dev.moegen.codegen.platform.DeviceLimits;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The feasibility rules of every kernel family for one layer on one target: divisibility, threads, memory, registers. */
final class Constraints {
    /** Registers a tensor-core thread needs besides its accumulators (addresses, fragments, pipeline state): an estimate that ptxas refines. */
    static final int REGISTER_OVERHEAD = 64;
    /** Bytes of local memory per warp where the tensor-core fragments are emulated (a 16×16 A and a 16×8 B tile in fp32). */
    static final int EMULATION_BYTES_PER_WARP = (16 * 16 + 16 * 8) * 4;

    /** Live fp32 values a tiled work-item may hold on a CPU: 64 AVX-512 registers' worth, twice the register file, so only configurations that must spill are pruned. */
    static final int TILED_CPU_FLOATS = 1024;

    private Constraints() {}

    static List<Constraint> of(MoeLayerSpec s, Target t) {
        DeviceLimits l = t.limits();
        boolean gated = s.activation().gated();
        List<Constraint> c = new ArrayList<>();
        int maxThreads = l.maxThreadsPerBlock();
        c.add(new Constraint("simt-threads", GROUP_GEMM, "simt: block_m × block_n ≤ max threads per block (" + maxThreads + ")",
                p -> p.gemm() == Gemm.SIMT && (long) p.blockM() * p.blockN() > maxThreads
                        ? why("block_m × block_n = " + (long) p.blockM() * p.blockN() + ": must be ≤ " + maxThreads + " work-items") : none()));
        long fixed = l.staticSharedBytes(); // the SIMT and gating kernels declare their tiles statically
        c.add(new Constraint("simt-local-memory", GROUP_GEMM, "simt: 4 × (block_m + " + (gated ? "2·" : "") + "block_n) × (block_k + 1) ≤ static local memory per block ("
                + fixed + " B)",
                p -> p.gemm() == Gemm.SIMT && simtLocalBytes(p, gated) > fixed
                        ? why("local memory " + simtLocalBytes(p, gated) + " B (4 × (block_m + " + (gated ? "2·" : "") + "block_n) × (block_k + 1)): must be ≤ "
                        + fixed) : none()));
        int regLimit = l.registersPerBlock() > 0 ? 255 : TILED_CPU_FLOATS;
        tiledRules(c, false, gated, maxThreads, regLimit, l.registersPerBlock());
        tiledRules(c, true, false, maxThreads, regLimit, l.registersPerBlock()); // GroupGEMM 2's own tile, never gated
        c.add(new Constraint("tc-layer", GROUP_GEMM, "tensor cores: bf16/fp16 layer with hidden and intermediate multiples of 8",
                p -> p.gemm().tensorCores() ? Heuristic.tensorCoreShape(s).map(w -> "gemm = " + p.gemm().id() + ": " + w) : none()));
        c.add(new Constraint("tc-stages", GROUP_GEMM, "tensor cores: stages ≥ 2 so loads overlap math",
                p -> p.gemm().tensorCores() && p.stages() < 2 ? why("stages = " + p.stages() + ": tensor-core loops need ≥ 2") : none()));
        c.add(new Constraint("wgmma-stages", GROUP_GEMM, "wgmma: stages ≥ 3 (one stage read by the group in flight, one by the group issued, one loading)",
                p -> p.gemm() == Gemm.WGMMA && p.stages() < 3
                        ? why("stages = " + p.stages() + ": wgmma keeps a group in flight while the next is issued, so ≥ 3") : none()));
        c.add(new Constraint("tc-copy-columns", GROUP_GEMM, "tensor cores: block_k / 8 divides 32 × warps_m × warps_n (each thread copies one 16-byte column of every tile)",
                p -> p.gemm().tensorCores() && p.blockK() % 8 == 0 && p.mathThreads() % (p.blockK() / 8) != 0
                        ? why("block_k = " + p.blockK() + ": block_k / 8 = " + p.blockK() / 8 + " must divide the " + p.mathThreads() + " threads")
                        : none()));
        c.add(new Constraint("split-k1", GROUP_GEMM, "split_k1 > 1 needs producer = 0 (the last slice of a tile finishes it)",
                p -> p.gemm().tensorCores() && p.intValue(Param.SPLIT_K1) > 1 && p.producer()
                        ? why("split_k1 = " + p.intValue(Param.SPLIT_K1) + " with producer = 1: must be producer = 0") : none()));
        c.add(new Constraint("fuse-combine", GROUP_GEMM, "fuse_combine = 1 needs producer = 0 (the combine follows the block's own tiles)",
                p -> p.gemm().tensorCores() && p.get(Param.FUSE_COMBINE).equals(1) && p.producer()
                        ? why("fuse_combine = 1 with producer = 1: must be producer = 0") : none()));
        c.add(new Constraint("tc-threads", GROUP_GEMM, "tensor cores: 32 × warps_m × warps_n ≤ min(512, max threads per block (" + maxThreads + ")), with a producer 128 more ≤ max threads",
                p -> p.gemm().tensorCores() && (p.warpsM() * p.warpsN() > 16 || p.mathThreads() > maxThreads)
                        ? why("warps_m × warps_n = " + p.warpsM() * p.warpsN() + ": must be ≤ " + Math.min(16, maxThreads / 32) + " (" + Math.min(512, maxThreads) + " threads)")
                        : p.gemmThreads() > maxThreads ? why("producer = 1: " + p.mathThreads() + " math threads + 128 = " + p.gemmThreads() + ": must be ≤ " + maxThreads)
                        : none()));
        c.add(new Constraint("tc-warp-rows", GROUP_GEMM, "tensor cores: block_m a multiple of 16 × warps_m (m16 fragments)",
                p -> p.gemm().tensorCores() && p.blockM() % (16 * p.warpsM()) != 0
                        ? why("block_m = " + p.blockM() + ": must be a multiple of 16 × warps_m = " + 16 * p.warpsM()) : none()));
        c.add(new Constraint("tc-warp-cols", GROUP_GEMM, "tensor cores: block_n a multiple of 8 × warps_n (n8 fragments)",
                p -> p.gemm().tensorCores() && p.blockN() % (8 * p.warpsN()) != 0
                        ? why("block_n = " + p.blockN() + ": must be a multiple of 8 × warps_n = " + 8 * p.warpsN()) : none()));
        c.add(new Constraint("tc-vector-k", GROUP_GEMM, "tensor cores: block_k a multiple of 16 (k16 fragments, 16-byte cp.async copies)",
                p -> p.gemm().tensorCores() && p.blockK() % 16 != 0 ? why("block_k = " + p.blockK() + ": must be a multiple of 16 for tensor cores") : none()));
        c.add(new Constraint("wgmma-warpgroups", GROUP_GEMM, "wgmma: warps_n = 1, warps_m = block_m / 16, block_m a multiple of 64 (one warpgroup per 64 rows)",
                p -> p.gemm() == Gemm.WGMMA && (p.warpsN() != 1 || p.warpsM() * 16 != p.blockM() || p.blockM() % 64 != 0)
                        ? why("gemm = wgmma: warps_n must be 1 and warps_m = block_m / 16 with block_m a multiple of 64 (one warpgroup per 64 rows); got "
                        + p.warpsM() + "×" + p.warpsN() + " warps for block_m " + p.blockM()) : none()));
        c.add(new Constraint("wgmma-swizzle", GROUP_GEMM, "wgmma: block_k a multiple of 64 (128-byte swizzled rows)",
                p -> p.gemm() == Gemm.WGMMA && p.blockK() % 64 != 0 ? why("block_k = " + p.blockK() + ": wgmma tiles use 128-byte swizzled rows, so a multiple of 64") : none()));
        c.add(new Constraint("wgmma-n", GROUP_GEMM, "wgmma: 2 × block_n ≤ 256 and block_n a multiple of 8 (n of one instruction)",
                p -> p.gemm() == Gemm.WGMMA && (p.blockN() * 2 > 256 || p.blockN() % 8 != 0)
                        ? why("block_n = " + p.blockN() + ": wgmma needs a multiple of 8 with the gated tile (2 × block_n) ≤ 256") : none()));
        boolean emulated = !t.caps().tensorCores();
        String smem = "stages × (block_m + " + (gated ? "2·" : "") + "block_n) × (block_k + 8, wgmma: block_k) × 2 (+ 1024, wgmma) + 4 × block_m"
                + " (+ 16 × (2 × stages + 1), producer)"
                + (emulated ? " + 1536 × warps (emulated fragments)" : "");
        c.add(new Constraint("tc-shared-memory", GROUP_GEMM, "tensor cores: " + smem + " ≤ shared memory per block (" + l.sharedBytesPerBlock() + " B)",
                p -> p.gemm().tensorCores() && tcSharedBytes(p, gated, emulated) > l.sharedBytesPerBlock()
                        ? why("shared memory " + tcSharedBytes(p, gated, emulated) + " B (" + smem + "): must be ≤ " + l.sharedBytesPerBlock()) : none()));
        if (l.registersPerBlock() > 0)
            c.add(new Constraint("tc-registers", GROUP_GEMM, "tensor cores: (accumulators per thread + " + REGISTER_OVERHEAD
                    + ") ≤ 255 and × threads ≤ registers per block (" + l.registersPerBlock() + "); an estimate, ptxas reports the real count",
                    p -> {
                        if (!p.gemm().tensorCores()) return none();
                        long regs = registerEstimate(p, gated), total = regs * p.mathThreads() + (p.producer() ? KernelParams.PRODUCER_REGISTERS * KernelParams.PRODUCER_THREADS : 0);
                        return regs > 255 || total > l.registersPerBlock()
                                ? why("about " + regs + " registers × " + p.gemmThreads() + " threads = " + total + ": must be ≤ 255 per thread and ≤ "
                                + l.registersPerBlock() + " per block; lower block_n or block_m, or raise warps") : none();
                    }));
        c.add(new Constraint("gating-threads", GATING, "gate_wg ≤ max threads per block (" + maxThreads + ")",
                p -> p.gateWg() > maxThreads ? why("gate_wg = " + p.gateWg() + ": must be ≤ " + maxThreads) : none()));
        long gatingBytes = 4L * (2L * s.experts() + s.topK() + 2L * s.routing().nGroup());
        c.add(new Constraint("gating-local-memory", GATING, "4 × (2·E + 2·gate_wg + top_k + 2·n_group) ≤ static local memory per block (" + fixed + " B)",
                p -> gatingBytes + 8L * p.gateWg() > fixed
                        ? why("gating local memory " + (gatingBytes + 8L * p.gateWg()) + " B: must be ≤ " + fixed) : none()));
        c.add(new Constraint("scan-threads", PERMUTATION, "scan_wg ≤ max threads per block (" + maxThreads + ")",
                p -> p.scanWg() > maxThreads ? why("scan_wg = " + p.scanWg() + ": must be ≤ " + maxThreads) : none()));
        if (s.perSequence()) {
            int chunk = Heuristic.alignChunk(s);
            c.add(new Constraint("align-sequence", PERMUTATION, "align_chunk = sequence_length × slots (" + chunk + "): a work-item ranks one sequence",
                    p -> p.alignChunk() != chunk ? why("align_chunk = " + p.alignChunk() + ": must be " + chunk + " = sequence_length " + s.sequenceLength()
                            + " × " + s.slotsPerToken() + " slots, as the capacity holds per sequence") : none()));
        }
        return List.copyOf(c);
    }

    /**
     * The tiled loop's rules for one GroupGEMM's register tile ({@link KernelParams#tile}): whole tiles, threads per
     * block, and the values a work-item keeps live against the register limit. GroupGEMM 2's name their parameters
     * block_n2, mwi2, nwi2.
     */
    private static void tiledRules(List<Constraint> c, boolean gemm2, boolean gated, int maxThreads, int regLimit, int regsPerBlock) {
        String sfx = gemm2 ? "2" : "", bn = "block_n" + sfx, mwi = "mwi" + sfx, nwi = "nwi" + sfx, id = "tiled" + sfx, x2 = gated ? " × 2" : "";
        c.add(new Constraint(id + "-tile", GROUP_GEMM, "tiled: block_m a multiple of " + mwi + ", " + bn + " a multiple of " + nwi + " × vw (whole register tiles)",
                p -> {
                    if (p.gemm() != Gemm.TILED) return none();
                    KernelParams.Tile t = p.tile(gemm2);
                    return p.blockM() % t.mwi() != 0 || t.blockN() % t.columns(p.vw()) != 0
                            ? why("block_m = " + p.blockM() + ", " + mwi + " = " + t.mwi() + ", " + bn + " = " + t.blockN() + ", " + nwi + " × vw = " + t.nwi()
                            + " × " + p.vw() + ": block_m must be a multiple of " + mwi + " and " + bn + " of " + nwi + " × vw"
                            + (gemm2 ? " (0 takes GroupGEMM 1's value)" : "")) : none();
                }));
        String threads = "(block_m / " + mwi + ") × (" + bn + " / (" + nwi + " × vw))";
        c.add(new Constraint(id + "-threads", GROUP_GEMM, "tiled: " + threads + " ≤ max threads per block (" + maxThreads + ")",
                p -> p.gemm() == Gemm.TILED && p.tile(gemm2).threads() > maxThreads
                        ? why(threads + " = " + p.tile(gemm2).threads() + ": must be ≤ " + maxThreads + " work-items") : none()));
        String values = "vw × (" + mwi + " × " + nwi + x2 + " + " + mwi + " + " + nwi + x2 + ")";
        c.add(new Constraint(id + "-registers", GROUP_GEMM, "tiled: vw × (" + mwi + " × " + nwi + x2 + " accumulators + " + mwi + " + " + nwi + x2
                + " operands) ≤ " + regLimit + " values per work-item" + (regsPerBlock > 0 ? ", × threads ≤ registers per block (" + regsPerBlock + ")" : " (beyond that every compiler spills)"),
                p -> {
                    if (p.gemm() != Gemm.TILED) return none();
                    KernelParams.Tile t = p.tile(gemm2);
                    long v = tiledValues(t, p.vw(), gated), total = v * t.threads();
                    return v > regLimit || (regsPerBlock > 0 && total > regsPerBlock)
                            ? why("about " + v + " values per work-item (" + values + ")" + (regsPerBlock > 0 ? " × " + t.threads() + " threads = " + total : "")
                            + ": must be ≤ " + regLimit + (regsPerBlock > 0 ? " per thread and ≤ " + regsPerBlock + " per block" : "") + "; lower vw, " + mwi + " or " + nwi) : none();
                }));
    }

    /** fp32 values a tiled work-item keeps live: its accumulators and one k step's operand vectors. */
    static long tiledValues(KernelParams.Tile t, int vw, boolean gated) {
        long b = (long) t.nwi() * (gated ? 2 : 1);
        return (long) vw * (t.mwi() * b + t.mwi() + b);
    }

    static long simtLocalBytes(KernelParams p, boolean gated) {
        return 4L * (p.blockM() + p.bRows(gated)) * (p.blockK() + 1);
    }

    static long tcSharedBytes(KernelParams p, boolean gated, boolean emulated) {
        return p.sharedBytes(gated) + (emulated ? (long) EMULATION_BYTES_PER_WARP * p.warpsM() * p.warpsN() : 0);
    }

    /** fp32 accumulators per thread (a warp's (block_m / warps_m) × (B rows / warps_n) outputs over 32 lanes) plus the overhead. */
    static long registerEstimate(KernelParams p, boolean gated) {
        return (long) (p.blockM() / Math.max(1, p.warpsM())) * (p.bRows(gated) / Math.max(1, p.warpsN())) / 32 + REGISTER_OVERHEAD;
    }

    private static Optional<String> why(String s) {
        return Optional.of(s);
    }

    private static Optional<String> none() {
        return Optional.empty();
    }
}
