package dev.moegen.codegen;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.moegen.codegen.cuda.Nvcc;
import dev.moegen.codegen.cuda.PtxasReport;
import dev.moegen.codegen.cuda.ResourceUsage;
import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.dsl.preset.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every full-size preset's CUDA kernels compile with nvcc for sm_80 and sm_90a, without spills or ptxas warnings. */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class NvccTest {
    static List<String> presets() {
        return Presets.names();
    }

    static Nvcc nvcc() {
        var n = Nvcc.find();
        if (System.getenv("CI") != null) assertTrue(n.isPresent(), "CI machines have nvcc");
        assumeTrue(n.isPresent(), "no nvcc");
        return n.get();
    }

    @ParameterizedTest
    @MethodSource("presets")
    void compilesWithoutSpillsForSm80AndSm90a(String preset, @TempDir Path dir) throws Exception {
        KernelPlan plan = Lowering.lower(Presets.get(preset));
        GeneratedSource src = SourceEmitter.emit(plan, Backend.CUDA);
        Path cu = dir.resolve(src.fileName());
        Files.writeString(cu, src.text());
        Nvcc.Result r = nvcc().compile(cu, dir, Nvcc.DEFAULT_ARCHS);
        for (String arch : Nvcc.DEFAULT_ARCHS) {
            List<ResourceUsage> ks = r.report().forArch(arch);
            assertEquals(plan.kernels().size(), ks.size(), arch + ": a resource line per kernel\n" + r.log());
            for (ResourceUsage k : ks) {
                assertFalse(k.spills(), arch + " " + k);
                assertTrue(k.registers() <= 128, arch + " " + k);
            }
        }
        assertEquals(List.of(), r.report().warnings(), "ptxas warnings");
        for (Path p : r.ptx()) assertTrue(Files.readString(p).contains(".entry moe_group_gemm_1"), p.toString());
        for (Path c : r.cubins()) assertTrue(Files.size(c) > 1000, c.toString());
    }

    @Test
    void compileErrorsCarryTheSourceLine(@TempDir Path dir) throws Exception {
        Path cu = dir.resolve("bad.cu");
        Files.writeString(cu, "extern \"C\" __global__ void k(float* p) {\n  p[0] = undefined_name;\n}\n");
        var e = assertThrows(java.io.IOException.class, () -> nvcc().compile(cu, dir, List.of("sm_80")));
        assertTrue(e.getMessage().contains("bad.cu:2: p[0] = undefined_name;"), e.getMessage());
    }

    @Test
    void parsesPtxasReports() {
        String log = """
                ptxas info    : Compiling entry function 'moe_gating' for 'sm_90a'
                ptxas info    : Function properties for moe_gating
                    8 bytes stack frame, 4 bytes spill stores, 4 bytes spill loads
                ptxas info    : Used 34 registers, used 1 barriers, 4128 bytes smem
                ptxas warning : (C7510) Potential Performance Loss: wgmma.mma_async instructions are serialized
                """;
        PtxasReport r = PtxasReport.parse(log);
        assertEquals(List.of(new ResourceUsage("moe_gating", "sm_90a", 34, 8, 4, 4, 4128, 1)), r.kernels());
        assertTrue(r.kernels().get(0).spills());
        assertEquals(1, r.warnings().size());
    }
}
