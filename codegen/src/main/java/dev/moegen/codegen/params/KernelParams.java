package dev.moegen.codegen.params;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One point of the parameter space: a value for every {@link Param}, immutable. Built with {@link #builder()} or
 * {@link #toBuilder()}; {@link ParameterSpace#check} says whether it is feasible for a layer and target, and
 * {@link ParamResolver} chooses one from overrides, the tuned database and the heuristic.
 */
public final class KernelParams {
    /** GroupGEMM main loops. */
    public enum Gemm {
        /** one work-item per output element, fp32 FMAs from local-memory tiles: any device, any dtype */
        SIMT,
        /**
         * each work-item an MWI×NWI register tile of dot products in VW-wide vectors along K, straight from global
         * memory through the caches (CLBlast's direct GEMM on a CPU's terms): any device, any dtype
         */
        TILED,
        /** warp-level m16n8k16 tensor-core fragments (mma.sync, sm_80+) fed by a cp.async pipeline; bf16/fp16 */
        MMA,
        /** warpgroup wgmma.mma_async from swizzled shared memory on sm_90a, the MMA loop on other architectures */
        WGMMA;

        public String id() {
            return name().toLowerCase();
        }

        public boolean tensorCores() {
            return this == MMA || this == WGMMA;
        }

        public static Gemm parse(String s) {
            for (Gemm g : values()) if (g.id().equalsIgnoreCase(s.trim())) return g;
            throw new IllegalArgumentException("gemm = '" + s + "': allowed: " + String.join(", ", java.util.Arrays.stream(values()).map(Gemm::id).toList()));
        }
    }

    private final Gemm gemm;
    private final int[] ints; // by Param ordinal; the GEMM slot is unused

    private KernelParams(Gemm gemm, int[] ints) {
        this.gemm = gemm;
        this.ints = ints;
    }

    public static Builder builder() {
        return new Builder(null, new int[Param.values().length], new boolean[Param.values().length]);
    }

    public Builder toBuilder() {
        boolean[] set = new boolean[ints.length];
        Arrays.fill(set, true);
        return new Builder(gemm, ints.clone(), set);
    }

    /** {@code gemm} as its {@link Gemm}, any other parameter as an Integer. */
    public Object get(Param p) {
        return p == Param.GEMM ? gemm : (Object) ints[p.ordinal()];
    }

    public int intValue(Param p) {
        if (p == Param.GEMM) throw new IllegalArgumentException("gemm is not an integer parameter");
        return ints[p.ordinal()];
    }

    public Gemm gemm() { return gemm; }
    public int blockM() { return ints[Param.BLOCK_M.ordinal()]; }
    public int blockN() { return ints[Param.BLOCK_N.ordinal()]; }
    public int blockK() { return ints[Param.BLOCK_K.ordinal()]; }
    public int warpsM() { return ints[Param.WARPS_M.ordinal()]; }
    public int warpsN() { return ints[Param.WARPS_N.ordinal()]; }
    public int stages() { return ints[Param.STAGES.ordinal()]; }
    public int groupM() { return ints[Param.GROUP_M.ordinal()]; }
    /** Whether a producer warpgroup feeds the math warpgroups (wgmma only). */
    public boolean producer() { return gemm == Gemm.WGMMA && ints[Param.PRODUCER.ordinal()] == 1; }
    /** GroupGEMM 2 combines too (tensor-core loops without a producer warpgroup): the plan launches no combine kernel. */
    public boolean fuseCombine() { return gemm.tensorCores() && !producer() && ints[Param.FUSE_COMBINE.ordinal()] == 1; }
    public int splitK() { return ints[Param.SPLIT_K.ordinal()]; }
    public int splitMaxTokens() { return ints[Param.SPLIT_MAX_TOKENS.ordinal()]; }
    public int gateWg() { return ints[Param.GATE_WG.ordinal()]; }
    public int scanWg() { return ints[Param.SCAN_WG.ordinal()]; }
    public int alignChunk() { return ints[Param.ALIGN_CHUNK.ordinal()]; }
    public int mwi() { return ints[Param.MWI.ordinal()]; }
    public int nwi() { return ints[Param.NWI.ordinal()]; }
    public int vw() { return ints[Param.VW.ordinal()]; }
    /** GroupGEMM 2's tile (tiled loop): its own value, or GroupGEMM 1's where 0. */
    public int blockN2() { return orGemm1(Param.BLOCK_N2, blockN()); }
    public int mwi2() { return orGemm1(Param.MWI2, mwi()); }
    public int nwi2() { return orGemm1(Param.NWI2, nwi()); }

    private int orGemm1(Param p, int gemm1) {
        int v = ints[p.ordinal()];
        return v == 0 ? gemm1 : v;
    }

    /** The value kernels see: GroupGEMM 2's tile parameters resolved against GroupGEMM 1's. */
    public int effective(Param p) {
        return switch (p) {
            case BLOCK_N2 -> blockN2();
            case MWI2 -> mwi2();
            case NWI2 -> nwi2();
            case FUSE_COMBINE -> fuseCombine() ? 1 : 0; // read by the tensor-core GroupGEMM 2 alone
            case SPLIT_K1 -> splitGemm1() ? intValue(p) : 1;
            default -> intValue(p);
        };
    }

    /** These parameters with some replaced by user-typed values, e.g. {gemm=mma, block_m=32}; every bad key or value is named. */
    public KernelParams withOverrides(Map<String, String> overrides) {
        Builder b = toBuilder();
        ParamResolver.parse(overrides).forEach(b::set);
        return b.build();
    }

    /**
     * The tiled loop's register tiling of one GroupGEMM: its block_n, rows (mwi) and column vectors (nwi, of vw columns
     * each) per work-item, and work-items per block.
     */
    public record Tile(int blockN, int mwi, int nwi, int threads) {
        /** Output columns one work-item covers. */
        public int columns(int vw) {
            return nwi * vw;
        }
    }

    /** GroupGEMM 1's tiling, or GroupGEMM 2's ({@code gemm2}: block_n2, mwi2, nwi2, each GroupGEMM 1's where 0). */
    public Tile tile(boolean gemm2) {
        int bn = gemm2 ? blockN2() : blockN(), m = gemm2 ? mwi2() : mwi(), n = gemm2 ? nwi2() : nwi();
        return new Tile(bn, m, n, (blockM() / Math.max(1, m)) * (bn / Math.max(1, n * Math.max(1, vw()))));
    }

    /** Threads per GroupGEMM block. */
    public int gemmThreads() {
        return switch (gemm) {
            case SIMT -> blockM() * blockN();
            case TILED -> tile(false).threads();
            case MMA, WGMMA -> mathThreads() + (producer() ? PRODUCER_THREADS : 0);
        };
    }

    /** Threads of a warpgroup: the producer's size (setmaxnreg works per warpgroup). */
    public static final int PRODUCER_THREADS = 128;
    /** Registers a producer thread keeps after setmaxnreg.dec: it only computes addresses and issues copies. */
    public static final int PRODUCER_REGISTERS = 40;

    /**
     * Registers per thread a warp-specialised block of {@code threads} starts with (its fixed entry count): all of the
     * 64 K an SM has, 8 at a time, at most 240 — the most setmaxnreg.inc raises to, which may not be below it.
     */
    public static int launchRegisters(int threads) {
        return Math.min(240, 65536 / threads) & ~7;
    }

    /**
     * What setmaxnreg.inc raises each math thread to: the registers the producer gives back shared among them, 8 at a
     * time, at most 240 and never below the entry count — so the raise never waits for registers the block does not
     * have (232 with 2 math warpgroups; 240 = the entry count with one).
     */
    public static int mathRegisters(int threads, int mathThreads) {
        int launch = launchRegisters(threads);
        return Math.max(launch, Math.min(240, ((launch * threads - PRODUCER_REGISTERS * PRODUCER_THREADS) / mathThreads) & ~7));
    }

    /** Tensor-core threads that compute (all but the producer warpgroup). */
    public int mathThreads() {
        return 32 * warpsM() * warpsN();
    }

    /** Threads per GroupGEMM 2 block (differs from {@link #gemmThreads} only where the tiled loop's GEMM 2 tile does). */
    public int gemm2Threads() {
        return gemm == Gemm.TILED ? tile(true).threads() : gemmThreads();
    }

    /** Rows of the staged B tile: gate and up rows together when the activation is gated. */
    public int bRows(boolean gated) {
        return gated ? 2 * blockN() : blockN();
    }

    /** Dynamic shared memory of a tensor-core GroupGEMM block: the tiles, then the row table. */
    public int sharedBytes(boolean gated) {
        return gemm.tensorCores() ? (int) Math.min(Integer.MAX_VALUE, barrierOffset(gated) + (producer() ? 16L * (2L * stages() + 1) : 0)) : 0;
    }

    /**
     * Where the producer's mbarriers start, after the row table, 16-byte aligned: a full and an empty barrier per stage
     * and a fault word (16 bytes each: CUDA's 8-byte mbarrier, or the OpenCL emulation's count, expected count and phase).
     */
    public long barrierOffset(boolean gated) {
        return (rowTableOffset(gated) + 4L * blockM() + 15) / 16 * 16;
    }

    /**
     * Bytes of staged tiles in the loop's own layout: mma's padded rows (block_k + 8 elements, so fragment loads hit
     * 32 distinct banks), or wgmma's 128-byte-swizzled rows (block_k elements, no padding) plus 1 KiB to align them —
     * sizing wgmma by the padded layout cost a resident block per SM where shared memory is the limit.
     */
    public long rowTableOffset(boolean gated) {
        long rows = (long) stages() * (blockM() + bRows(gated));
        return gemm == Gemm.WGMMA ? rows * blockK() * 2 + 1024 : rows * (blockK() + 8) * 2;
    }

    /** K slices of GroupGEMM 2 for {@code tokens} tokens. */
    public int splits(long tokens) {
        return tokens <= splitMaxTokens() ? splitK() : 1;
    }

    /** GroupGEMM 1's K slices at {@code tokens} (tensor-core loops without a producer warpgroup; 1 elsewhere). */
    public int splits1(long tokens) {
        return splitGemm1() && tokens <= splitMaxTokens() ? ints[Param.SPLIT_K1.ordinal()] : 1;
    }

    /** Whether GroupGEMM 1 may run in K slices: its partial sums and tile counters are then part of the plan. */
    public boolean splitGemm1() {
        return gemm.tensorCores() && !producer() && ints[Param.SPLIT_K1.ordinal()] > 1;
    }

    /** Every parameter under its define name ("BLOCK_M"), gemm as its id, GroupGEMM 2's tile resolved: what templates and source headers print. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Param p : Param.values()) m.put(p.define(), p == Param.GEMM ? gemm.id() : effective(p));
        return m;
    }

    /** Every parameter under its user key ("block_m"): plan.json, manifests, the tuned database. */
    @JsonValue
    public Map<String, Object> byKey() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Param p : Param.values()) m.put(p.key(), p == Param.GEMM ? gemm.id() : ints[p.ordinal()]);
        return m;
    }

    /** "gemm=wgmma,block_m=64,...": {@link #parse} reads it back. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        byKey().forEach((k, v) -> s.append(s.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return s.toString();
    }

    /** Parses {@link #toString}'s form; every parameter must be given. */
    public static KernelParams parse(String text) {
        Builder b = builder();
        for (String kv : text.split(",")) {
            int eq = kv.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("'" + kv + "': expected KEY=VALUE");
            Param p = Param.byKey(kv.substring(0, eq));
            b.set(p, p.parse(kv.substring(eq + 1)));
        }
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KernelParams k && k.gemm == gemm && Arrays.equals(k.ints, ints);
    }

    @Override
    public int hashCode() {
        return 31 * gemm.hashCode() + Arrays.hashCode(ints);
    }

    /** Sets parameters one by one; {@link #build} requires every one to be set. */
    public static final class Builder {
        private Gemm gemm;
        private final int[] ints;
        private final boolean[] set;

        private Builder(Gemm gemm, int[] ints, boolean[] set) {
            this.gemm = gemm;
            this.ints = ints;
            this.set = set;
        }

        public Builder gemm(Gemm g) {
            return set(Param.GEMM, g);
        }

        public Builder set(Param p, int v) {
            if (p == Param.GEMM) throw new IllegalArgumentException("gemm takes a Gemm, not " + v);
            ints[p.ordinal()] = v;
            set[p.ordinal()] = true;
            return this;
        }

        /** A {@link Gemm} for {@code gemm}, an Integer for the rest. */
        public Builder set(Param p, Object v) {
            if (p == Param.GEMM) {
                gemm = (Gemm) v;
                set[p.ordinal()] = true;
                return this;
            }
            return set(p, ((Integer) v).intValue());
        }

        public boolean isSet(Param p) {
            return set[p.ordinal()];
        }

        public KernelParams build() {
            List<String> missing = new ArrayList<>();
            for (Param p : Param.values()) if (!set[p.ordinal()]) missing.add(p.key());
            if (!missing.isEmpty()) throw new IllegalArgumentException("kernel parameters missing: " + String.join(", ", missing));
            return new KernelParams(gemm, ints.clone());
        }
    }
}
