package dev.moegen.tune.space;

import dev.moegen.autotune.space.SearchSpace;
import dev.moegen.codegen.params.Family;
import dev.moegen.codegen.params.Heuristic;
import dev.moegen.codegen.params.KernelParams;
import dev.moegen.codegen.params.KernelParams.Gemm;
import dev.moegen.codegen.params.Param;
import dev.moegen.codegen.params.ParameterSpace;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The GroupGEMM family's tuning space for one layer, target and token bucket: per main loop the values worth
 * measuring (a subset of each parameter's domain, chosen so a space stays in the low thousands), every point
 * checked against the {@link ParameterSpace}'s constraints and dropped when infeasible, before anything compiles.
 * Parameters a loop does not read stay at that loop's heuristic values. Split-K is searched for decode buckets
 * (T ≤ 32) only, and a split point carries split_max_tokens = its bucket, so the tuned plan splits exactly where it
 * was measured. The other families (gating, permutation) stay at their heuristic values.
 * <p>GroupGEMM 1 and 2 are tuned apart: {@link #of} is the first phase (the main loop, block_m, which both share as the
 * permutation's padding, vw and split-K, and GroupGEMM 1's tile, GroupGEMM 2 following it); {@link #gemm2} the second,
 * GroupGEMM 2's own tile (block_n2, mwi2, nwi2) around the first phase's best.
 */
public final class GemmSpace {
    /** Values searched per main loop; a loop absent here is not searched (e.g. tensor cores on a CPU). */
    static final Map<Gemm, Map<Param, List<Integer>>> VALUES = new EnumMap<>(Gemm.class);

    static {
        VALUES.put(Gemm.TILED, ordered(Param.BLOCK_M, List.of(4, 8, 16, 32, 64), Param.BLOCK_N, List.of(16, 32, 64, 128),
                Param.MWI, List.of(1, 2, 4, 8), Param.NWI, List.of(1, 2, 4), Param.VW, List.of(4, 8, 16)));
        VALUES.put(Gemm.SIMT, ordered(Param.BLOCK_M, List.of(8, 16, 32), Param.BLOCK_N, List.of(16, 32, 64), Param.BLOCK_K, List.of(8, 16, 32)));
        Map<Param, List<Integer>> tc = ordered(Param.BLOCK_M, List.of(64, 128), Param.BLOCK_N, List.of(32, 64, 128), Param.BLOCK_K, List.of(32, 64),
                Param.WARPS_M, List.of(2, 4, 8), Param.WARPS_N, List.of(1, 2), Param.STAGES, List.of(2, 3, 4), Param.GROUP_M, List.of(1, 8));
        VALUES.put(Gemm.MMA, tc);
        VALUES.put(Gemm.WGMMA, tc);
    }

    /** GroupGEMM 2's tile values searched in the second phase (the tiled loop's block_n, mwi, nwi values). */
    static final Map<Param, List<Integer>> GEMM2_VALUES = ordered(Param.BLOCK_N2, List.of(16, 32, 64, 128), Param.MWI2, List.of(1, 2, 4, 8),
            Param.NWI2, List.of(1, 2, 4));

    /** Split-K factors searched at decode buckets. */
    static final List<Integer> SPLITS = List.of(1, 2, 4);
    public static final int DECODE_TOKENS = 32;

    private final List<KernelParams> points;
    private final SearchSpace space;
    private final long enumerated;

    private GemmSpace(List<KernelParams> points, SearchSpace space, long enumerated) {
        this.points = points;
        this.space = space;
        this.enumerated = enumerated;
    }

    /** The feasible points for {@code spec} on {@code target} at {@code tokens}; {@code loops} empty means every loop the target can run. */
    public static GemmSpace of(MoeLayerSpec spec, Target target, int tokens, List<Gemm> loops) {
        Feasible pts = new Feasible(ParameterSpace.of(spec, target));
        KernelParams base = Heuristic.defaults(spec, target);
        for (Gemm g : Gemm.values()) {
            if (!VALUES.containsKey(g) || (!loops.isEmpty() && !loops.contains(g))) continue;
            if (g.tensorCores() && !target.caps().tensorCores()) continue;
            if (g == Gemm.WGMMA && !target.caps().wgmma()) continue;
            KernelParams.Builder b = Heuristic.defaults(spec, target, g).toBuilder();
            for (Param p : Param.values()) if (p.family() != Family.GROUP_GEMM) b.set(p, base.get(p));
            Map<Param, List<Integer>> dims = new LinkedHashMap<>(VALUES.get(g));
            if (tokens <= DECODE_TOKENS) dims.put(Param.SPLIT_K, SPLITS);
            else b.set(Param.SPLIT_K, 1).set(Param.SPLIT_MAX_TOKENS, 0);
            b.set(Param.BLOCK_N2, 0).set(Param.MWI2, 0).set(Param.NWI2, 0); // the first phase: GroupGEMM 2 as GroupGEMM 1
            walk(new ArrayList<>(dims.entrySet()), 0, b, tokens, pts);
        }
        return build(pts.points, pts.seen);
    }

    /** The second phase: GroupGEMM 2's tile around {@code best} (a tiled point), everything else as in {@code best}. */
    public static GemmSpace gemm2(MoeLayerSpec spec, Target target, KernelParams best) {
        if (best.gemm() != Gemm.TILED) throw new IllegalArgumentException("GroupGEMM 2 has a tile of its own in the tiled loop only, not " + best.gemm().id());
        Feasible pts = new Feasible(ParameterSpace.of(spec, target));
        walk(new ArrayList<>(GEMM2_VALUES.entrySet()), 0, best.toBuilder(), 0, pts);
        return build(pts.points, pts.seen);
    }

    /** Collects the enumerated points the constraints accept, counting every one. */
    private static final class Feasible implements java.util.function.Consumer<KernelParams> {
        final ParameterSpace space;
        final List<KernelParams> points = new ArrayList<>();
        long seen;

        Feasible(ParameterSpace space) {
            this.space = space;
        }

        @Override
        public void accept(KernelParams p) {
            seen++;
            if (space.violations(p).isEmpty()) points.add(p);
        }
    }

    private static GemmSpace build(List<KernelParams> pts, long enumerated) {
        List<String> keys = new ArrayList<>();
        List<double[]> raw = new ArrayList<>();
        for (KernelParams p : pts) {
            keys.add(key(p));
            raw.add(features(p));
        }
        return new GemmSpace(List.copyOf(pts), SearchSpace.of(keys, raw), enumerated);
    }

    private static void walk(List<Map.Entry<Param, List<Integer>>> dims, int i, KernelParams.Builder b, int tokens, java.util.function.Consumer<KernelParams> out) {
        if (i == dims.size()) {
            out.accept(b.build());
            return;
        }
        Param p = dims.get(i).getKey();
        for (int v : dims.get(i).getValue()) {
            b.set(p, v);
            if (p == Param.SPLIT_K) b.set(Param.SPLIT_MAX_TOKENS, v > 1 ? tokens : 0);
            walk(dims, i + 1, b, tokens, out);
        }
    }

    /** A point's GroupGEMM parameters as "gemm=tiled,block_m=16,...": its key in caches and databases. */
    public static String key(KernelParams p) {
        StringBuilder s = new StringBuilder();
        for (Param q : Param.of(Family.GROUP_GEMM))
            if (q == Param.GEMM || q.activeFor(p.gemm())) s.append(s.isEmpty() ? "" : ",").append(q.key()).append('=').append(q == Param.GEMM ? p.gemm().id() : p.get(q));
        return s.toString();
    }

    /** The GroupGEMM parameters of a point by key ("block_m" → 16), what the tuned database stores. */
    public static Map<String, Object> values(KernelParams p) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Param q : Param.of(Family.GROUP_GEMM)) m.put(q.key(), q == Param.GEMM ? p.gemm().id() : p.get(q));
        return m;
    }

    /** Main loop as an ordinal, then log2 of every GroupGEMM integer parameter (0 where the loop ignores it). */
    static double[] features(KernelParams p) {
        List<Double> f = new ArrayList<>();
        f.add((double) p.gemm().ordinal());
        for (Param q : Param.of(Family.GROUP_GEMM)) {
            if (q == Param.GEMM || q == Param.SPLIT_MAX_TOKENS) continue;
            f.add(q.activeFor(p.gemm()) ? Math.log(Math.max(1, p.effective(q))) / Math.log(2) : 0);
        }
        return f.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public List<KernelParams> points() {
        return points;
    }

    public KernelParams point(int i) {
        return points.get(i);
    }

    public SearchSpace space() {
        return space;
    }

    /** Points enumerated before pruning. */
    public long enumerated() {
        return enumerated;
    }

    /** This shard's part of the space: every n-th point from i (a sweep split across machines). */
    public GemmSpace shard(int i, int n) {
        if (n < 1 || i < 0 || i >= n) throw new IllegalArgumentException("--shard " + i + "/" + n + ": expected i/n with 0 <= i < n");
        List<KernelParams> mine = new ArrayList<>();
        for (int k = i; k < points.size(); k += n) mine.add(points.get(k));
        return build(mine, enumerated);
    }

    private static Map<Param, List<Integer>> ordered(Object... kv) {
        Map<Param, List<Integer>> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<Integer> v = (List<Integer>) kv[i + 1];
            m.put((Param) kv[i], v);
        }
        return m;
    }
}
