package dev.moegen.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.codegen.plan.Lowering;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.exec.PlanLayer;
import dev.moegen.runtime.exec.Prebuilt;
import dev.moegen.runtime.opencl.OpenCl;
import dev.moegen.testkit.Guards;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kernels shipped on the classpath by build-time generation: read by their manifest, checked against this runtime. */
class PrebuiltTest {
    @Test
    void readsTheSourceAndACubinPerArchitectureByTheManifest() {
        Prebuilt p = Prebuilt.fromClasspath(PrebuiltTest.class, "moegen/tiny/cuda");
        assertTrue(p.present());
        assertEquals("extern \"C\" __global__ void k() {}\n", p.source());
        assertEquals(java.util.Set.of("sm_80", "sm_90a"), p.cubins().keySet());
        assertEquals("\u007fELF-sm90a", new String(p.cubins().get("sm_90a"), java.nio.charset.StandardCharsets.ISO_8859_1));
        assertSame(Prebuilt.NONE, Prebuilt.fromClasspath(PrebuiltTest.class, "moegen/absent/opencl/"));
    }

    /** A launcher whose shipped kernels are not what this runtime renders (another moegen made them) fails, naming them. */
    @Test
    void shippedKernelsFromAnotherGeneratorAreRefused() throws Exception {
        Guards.openCl(OpenCl.unavailableReason());
        var spec = Presets.get("mixtral-8x7b").scaled(64);
        try (var s = Backends.open("opencl")) {
            var plan = Lowering.lower(spec, s.target());
            var stale = new Prebuilt("moegen/mixtral/opencl/", "__kernel void other() {}", Map.of());
            var e = assertThrows(IllegalStateException.class, () -> new PlanLayer(s, plan, 4, stale));
            assertTrue(e.getMessage().contains("moegen/mixtral/opencl/") && e.getMessage().contains("another moegen version"), e.getMessage());
            var fresh = new Prebuilt("moegen/mixtral/opencl/", dev.moegen.codegen.emit.SourceEmitter.emit(plan, s.backend()).text(), Map.of());
            assertEquals(plan, new PlanLayer(s, plan, 4, fresh).plan(), "the same source loads");
        }
    }
}
