package dev.moegen.runtime.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.codegen.cuda.CudaDialect;
import dev.moegen.codegen.cuda.Nvcc;
import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.params.Heuristic;
import dev.moegen.codegen.params.Param;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.codegen.platform.BackendId;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.testkit.Guards;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CUDA backend's compile-ahead, without a GPU: nvcc is on every build machine. */
class CubinCacheTest {
    @Test
    void candidatesCompileInParallelOnceEachAndAFailureSurfacesWhereItIsUsed(@TempDir Path dir) {
        Guards.nvcc(Nvcc.find().isPresent());
        Target sm80 = CudaDialect.cuda("sm_80");
        MoeLayerSpec s = Presets.get("mixtral-8x7b").scaled(64);
        var base = Heuristic.defaults(s, sm80);
        GeneratedSource a = SourceEmitter.emit(Lowering.lower(s, sm80, base));
        GeneratedSource b = SourceEmitter.emit(Lowering.lower(s, sm80, base.toBuilder().set(Param.BLOCK_N, 32).build()));
        GeneratedSource broken = new GeneratedSource(BackendId.CUDA, "broken.cu", "extern \"C\" __global__ void k() { this is not C++; }");
        CubinCache cache = new CubinCache(dir, "sm_80");
        cache.prepare(List.of(a, b, broken, a));
        assertEquals(3, cache.compilations(), "each distinct source once, the broken one included");
        assertTrue(cache.get(a).length > 1000);
        assertTrue(cache.get(b).length > 1000);
        assertEquals(3, cache.compilations(), "prepared cubins are not compiled again");
        var e = assertThrows(RuntimeException.class, () -> cache.get(broken));
        assertTrue(e.getMessage().contains("broken"), e.getMessage());
    }

    /** A cubin shipped with a generated launcher stands in for nvcc: no compile, the shipped image returned. */
    @Test
    void aSeededCubinIsNotCompiled(@TempDir Path dir) {
        MoeLayerSpec s = Presets.get("mixtral-8x7b").scaled(64);
        Target sm80 = CudaDialect.cuda("sm_80");
        GeneratedSource a = SourceEmitter.emit(Lowering.lower(s, sm80, Heuristic.defaults(s, sm80)));
        CubinCache cache = new CubinCache(dir, "sm_80");
        byte[] shipped = {1, 2, 3, 4};
        cache.seed(a, shipped);
        assertArrayEquals(shipped, cache.get(a));
        assertEquals(0, cache.compilations(), "nvcc never ran");
    }
}
