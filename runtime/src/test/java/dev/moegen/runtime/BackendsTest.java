package dev.moegen.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.codegen.platform.BackendId;
import dev.moegen.runtime.cuda.Cuda;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.opencl.OpenCl;
import dev.moegen.testkit.Guards;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Backends are providers found on the class path; sessions report their device's limits in their target. */
class BackendsTest {
    @Test
    void providersAreRegisteredAndOrderedForAuto() {
        assertEquals(List.of(BackendId.CUDA, BackendId.OPENCL), Backends.all().stream().map(p -> p.id()).toList(), "auto tries CUDA first");
        var e = assertThrows(IllegalArgumentException.class, () -> Backends.open("vulkan"));
        assertEquals("backend = 'vulkan': allowed: auto, cuda, opencl", e.getMessage());
    }

    @Test
    void autoOpensOpenClWhereCudaIsMissingAndTheTargetCarriesTheDeviceLimits() {
        Guards.absent("CUDA", Cuda.unavailableReason());
        Guards.openCl(OpenCl.unavailableReason());
        try (DeviceSession s = Backends.open("auto")) {
            assertEquals(BackendId.OPENCL, s.backend());
            var dev = OpenCl.bestDevice();
            var l = s.target().limits();
            assertEquals(dev.maxWorkGroupSize(), l.maxThreadsPerBlock());
            assertEquals(dev.localMemBytes(), l.sharedBytesPerBlock());
            assertEquals(dev.computeUnits(), l.computeUnits());
            assertEquals(0, l.registersPerBlock(), "OpenCL does not report registers");
            assertFalse(s.target().caps().tensorCores());
        }
        var why = assertThrows(IllegalStateException.class, () -> Backends.open("cuda"));
        assertTrue(why.getMessage().startsWith("CUDA backend unavailable: "), why.getMessage());
    }
}
