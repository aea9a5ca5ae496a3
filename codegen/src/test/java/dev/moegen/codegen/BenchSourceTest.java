package dev.moegen.codegen;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        GeneratedSource cl = SourceEmitter.emitBench(Backend.OPENCL, 1024, 256, DType.BF16);
        GeneratedSource cu = SourceEmitter.emitBench(Backend.CUDA, 1024, 256, DType.BF16);
        String marker = "/* bf16 <-> fp32";
        assertEquals(cl.text().substring(cl.text().indexOf(marker)), cu.text().substring(cu.text().indexOf(marker)));
        var nvcc = Nvcc.find();
        if (System.getenv("CI") != null) assertTrue(nvcc.isPresent());
        assumeTrue(nvcc.isPresent());
        Path f = dir.resolve(cu.fileName());
        Files.writeString(f, cu.text());
        var r = nvcc.get().compile(f, dir, List.of("sm_90a"));
        assertEquals(4, r.report().kernels().size(), r.log());
        assertTrue(r.report().kernels().stream().noneMatch(k -> k.spills()), r.log());
    }
}
