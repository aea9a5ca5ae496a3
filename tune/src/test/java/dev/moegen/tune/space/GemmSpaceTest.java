package dev.moegen.tune.space;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.codegen.cuda.CudaDialect;
import dev.moegen.codegen.opencl.OpenClDialect;
import dev.moegen.codegen.params.Heuristic;
import dev.moegen.codegen.params.KernelParams;
import dev.moegen.codegen.params.ParameterSpace;
import dev.moegen.codegen.platform.DeviceLimits;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GemmSpaceTest {
    /** A CPU like this project's build machine: 4096 work-items, 1 MiB local memory, AVX-512. */
    static final Target CPU = OpenClDialect.TARGET.withLimits(new DeviceLimits(4096, 1 << 20, 1 << 20, 0, 2, 16, 6L << 30));
    static final MoeLayerSpec QWEN = Presets.get("qwen3-30b-a3b").scaled(8);

    @Test
    void everyPointIsFeasibleDistinctAndTheHeuristicIsAmongThem() {
        for (int t : List.of(1, 128)) {
            GemmSpace s = GemmSpace.of(QWEN, CPU, t, List.of());
            assertTrue(s.enumerated() > s.points().size(), "some points are pruned before anything compiles");
            Set<String> keys = new HashSet<>();
            ParameterSpace ps = ParameterSpace.of(QWEN, CPU);
            for (int i = 0; i < s.points().size(); i++) {
                assertEquals(List.of(), ps.violations(s.point(i)));
                assertTrue(keys.add(s.space().key(i)));
                for (double f : s.space().features(i)) assertTrue(f >= 0 && f <= 1);
            }
            assertTrue(keys.contains(GemmSpace.key(Heuristic.defaults(QWEN, CPU))), "T=" + t + ": the heuristic's point is in the space");
        }
    }

    @Test
    void splitKIsSearchedAtDecodeOnlyAndAppliesExactlyThere() {
        GemmSpace decode = GemmSpace.of(QWEN, CPU, 16, List.of(KernelParams.Gemm.TILED));
        GemmSpace prefill = GemmSpace.of(QWEN, CPU, 128, List.of(KernelParams.Gemm.TILED));
        assertEquals(3 * prefill.points().size(), decode.points().size());
        assertTrue(prefill.points().stream().allMatch(p -> p.splitK() == 1 && p.splitMaxTokens() == 0));
        assertTrue(decode.points().stream().allMatch(p -> p.splitK() == 1 ? p.splitMaxTokens() == 0 : p.splitMaxTokens() == 16));
        assertTrue(decode.points().stream().allMatch(p -> p.gemm() == KernelParams.Gemm.TILED));
    }

    @Test
    void theSecondPhaseVariesGroupGemm2sTileAloneAroundTheFirstPhasesBest() {
        GemmSpace first = GemmSpace.of(QWEN, CPU, 128, List.of(KernelParams.Gemm.TILED));
        assertTrue(first.points().stream().allMatch(p -> p.blockN2() == p.blockN() && p.mwi2() == p.mwi() && p.nwi2() == p.nwi()), "phase 1: GroupGEMM 2 follows");
        KernelParams best = first.point(first.points().size() / 2);
        GemmSpace two = GemmSpace.gemm2(QWEN, CPU, best);
        assertTrue(two.points().size() > 10 && two.points().size() <= 48, "" + two.points().size());
        ParameterSpace ps = ParameterSpace.of(QWEN, CPU);
        Set<String> tiles = new HashSet<>();
        for (KernelParams p : two.points()) {
            assertEquals(List.of(), ps.violations(p));
            assertEquals(best.blockM(), p.blockM());
            assertEquals(best.blockN(), p.blockN());
            assertEquals(best.mwi(), p.mwi());
            assertEquals(best.vw(), p.vw());
            tiles.add(p.blockN2() + "/" + p.mwi2() + "/" + p.nwi2());
        }
        assertEquals(two.points().size(), tiles.size());
        assertTrue(tiles.contains(best.blockN() + "/" + best.mwi() + "/" + best.nwi()), "the first phase's own GEMM 2 tile is among them");
        assertThrows(IllegalArgumentException.class, () -> GemmSpace.gemm2(QWEN, CPU, Heuristic.defaults(QWEN, CPU, KernelParams.Gemm.SIMT)));
    }

    @Test
    void tensorCoreLoopsOnlyWhereTheTargetHasThem() {
        MoeLayerSpec s = Presets.get("mixtral-8x7b").scaled(16);
        assertTrue(GemmSpace.of(s, CPU, 128, List.of()).points().stream().noneMatch(p -> p.gemm().tensorCores()));
        GemmSpace h100 = GemmSpace.of(s, CudaDialect.cuda("sm_90a"), 128, List.of());
        assertTrue(h100.points().stream().anyMatch(p -> p.gemm() == KernelParams.Gemm.WGMMA));
        assertTrue(GemmSpace.of(s, CudaDialect.cuda("sm_80"), 128, List.of()).points().stream().noneMatch(p -> p.gemm() == KernelParams.Gemm.WGMMA));
    }

    @Test
    void shardsSplitTheSpaceWithoutOverlap() {
        GemmSpace s = GemmSpace.of(QWEN, CPU, 128, List.of());
        Set<String> all = new HashSet<>();
        int n = 0;
        for (int i = 0; i < 3; i++) {
            GemmSpace sh = s.shard(i, 3);
            n += sh.points().size();
            for (int k = 0; k < sh.points().size(); k++) assertTrue(all.add(sh.space().key(k)));
        }
        assertEquals(s.points().size(), n);
        var e = assertThrows(IllegalArgumentException.class, () -> s.shard(3, 3));
        assertTrue(e.getMessage().contains("0 <= i < n"), e.getMessage());
    }
}
