package dev.moegen.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.dsl.types.DType;
import dev.moegen.runtime.exec.HostCodec;
import dev.moegen.runtime.opencl.ClContext;
import dev.moegen.runtime.opencl.ClDevice;
import dev.moegen.runtime.opencl.ClException;
import dev.moegen.runtime.opencl.OpenCl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpenClRuntimeTest {
    @BeforeAll
    static void needOpenCl() {
        dev.moegen.testkit.Guards.openCl(OpenCl.unavailableReason());
    }

    @Test
    void devicesDescribeThemselves() {
        ClDevice d = OpenCl.bestDevice();
        assertFalse(d.name().isBlank());
        assertTrue(d.computeUnits() >= 1);
        assertTrue(d.globalMemBytes() > 0 && d.localMemBytes() > 0 && d.maxWorkGroupSize() >= 1);
        assertTrue(d.describe().contains(d.name()));
    }

    @Test
    void buildFailureCarriesTheBuildLog() {
        try (ClContext ctx = OpenCl.open(OpenCl.bestDevice())) {
            ClException e = assertThrows(ClException.class, () -> ctx.build("__kernel void k(__global float* p) { p[0] = nope; }", ""));
            assertTrue(e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE"), e.getMessage());
            assertTrue(e.getMessage().contains("nope"), "the compiler's message names the undeclared identifier: " + e.getMessage());
        }
    }

    @Test
    void kernelRoundTripWithEventTimingAndBf16Codec() {
        try (ClContext ctx = OpenCl.open(OpenCl.bestDevice()); Arena a = Arena.ofConfined()) {
            MemorySegment prog = ctx.buildCached("__kernel void twice(__global float* p, int n) { int i = get_global_id(0); if (i < n) p[i] *= 2.0f; }", "");
            assertSame(prog, ctx.buildCached("__kernel void twice(__global float* p, int n) { int i = get_global_id(0); if (i < n) p[i] *= 2.0f; }", ""),
                    "same source builds once per context");
            MemorySegment k = ctx.kernel(prog, "twice");
            float[] v = {1.5f, -3f, 0.25f, 7f, 9f};
            MemorySegment buf = ctx.buffer(v.length * 4L);
            ctx.write(buf, HostCodec.encode(a, DType.FP32, v));
            ctx.setArg(k, 0, buf);
            ctx.setArg(k, 1, v.length);
            MemorySegment ev = ctx.enqueue(k, "twice", new long[] {64}, new long[] {64});
            ctx.finish();
            assertTrue(ctx.eventNanos(ev) >= 0);
            ctx.releaseEvent(ev);
            MemorySegment host = a.allocate(v.length * 4L);
            ctx.read(buf, host);
            assertArrayEquals(new float[] {3f, -6f, 0.5f, 14f, 18f}, HostCodec.decode(host, DType.FP32, v.length));
            ClException e = assertThrows(ClException.class, () -> ctx.kernel(prog, "missing"));
            assertTrue(e.getMessage().contains("CL_INVALID_KERNEL_NAME"), e.getMessage());
        }
        try (Arena a = Arena.ofConfined()) {
            float[] f = {1.00390625f, -2.5f, Float.NaN};
            float[] back = HostCodec.decode(HostCodec.encode(a, DType.BF16, f), DType.BF16, 3);
            assertEquals(1.0f, back[0]);
            assertEquals(-2.5f, back[1]);
            assertTrue(Float.isNaN(back[2]));
        }
    }

    /** Launches are enqueued in order without waiting; one finish() completes them all with their device times. */
    @Test
    void enqueuedLaunchesRunInOrderAndAreTimedAfterOneFinish() {
        try (var s = dev.moegen.runtime.opencl.OpenClSession.open(OpenCl.bestDevice()); Arena a = Arena.ofConfined()) {
            var src = new dev.moegen.codegen.emit.GeneratedSource(dev.moegen.codegen.platform.BackendId.OPENCL, "t.cl",
                    "__kernel void add1(__global float* p, int n) { int i = get_global_id(0); if (i < n) p[i] = p[i] * 2.0f + 1.0f; }");
            var k = s.load(src, java.util.List.of("add1")).get("add1");
            var buf = s.alloc(4L * 4);
            s.write(buf, HostCodec.encode(a, DType.FP32, new float[] {0, 1, 2, 3}));
            var launch = new dev.moegen.codegen.plan.Launch(new long[] {64}, new long[] {64});
            var pending = new java.util.ArrayList<dev.moegen.runtime.exec.Pending>();
            for (int i = 0; i < 3; i++) pending.add(s.enqueue(k, "add1", java.util.List.of(buf, 4), launch));
            assertThrows(IllegalStateException.class, () -> pending.get(0).nanos(), "no time before finish()");
            s.finish();
            for (var p : pending) assertTrue(p.nanos() >= 0);
            MemorySegment host = a.allocate(16);
            s.read(buf, host);
            // ((v·2+1)·2+1)·2+1 = 8v + 7: all three ran, in order
            assertArrayEquals(new float[] {7, 15, 23, 31}, HostCodec.decode(host, DType.FP32, 4));
        }
    }
}
