package dev.moegen.codegen;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moegen.codegen.cuda.CudaDialect;
import dev.moegen.codegen.opencl.OpenClDialect;
import dev.moegen.codegen.params.*;
import dev.moegen.codegen.platform.BackendId;
import dev.moegen.codegen.cuda.Nvcc;
import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.dsl.types.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's floor kernels: one text for both backends, and the CUDA spelling compiles. */
class BenchSourceTest {
    @Test
    void benchKernelsAreSharedAndCompileForCuda(@TempDir Path dir) throws Exception {
        GeneratedSource cl = SourceEmitter.emitBench(OpenClDialect.TARGET, 1024, 256, DType.BF16);
        GeneratedSource cu = SourceEmitter.emitBench(CudaDialect.AHEAD_OF_TIME, 1024, 256, DType.BF16);
        String marker = "/* ---- kernel bodies: the same text for every backend ---- */";
        String tc = "\n/* Tensor-core peaks";
        assertFalse(cl.text().contains(tc), "tensor-core peaks are CUDA only");
        assertEquals(cl.text().substring(cl.text().indexOf(marker)), cu.text().substring(cu.text().indexOf(marker), cu.text().indexOf(tc)));
        var nvcc = Nvcc.find();
        if (System.getenv("CI") != null) assertTrue(nvcc.isPresent());
        assumeTrue(nvcc.isPresent());
        Path f = dir.resolve(cu.fileName());
        Files.writeString(f, cu.text());
        var r = nvcc.get().compile(f, dir, List.of("sm_80", "sm_90a"));
        assertEquals(16, r.report().kernels().size(), "8 kernels x 2 archs: " + r.log());
        assertTrue(r.report().kernels().stream().noneMatch(k -> k.spills()), r.log());
        assertEquals(List.of(), r.report().warnings(), "no wgmma serialisation");
        assertTrue(Files.readString(r.ptx().get(0)).contains("mma.sync.aligned.m16n8k16"));
        assertTrue(Files.readString(r.ptx().get(1)).contains("wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16"));
    }
}
