package dev.moegen.runtime.opencl;

import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;

/**
 * PoCL's default work-group method on CPUs ("loopvec", which vectorises across work-items with LLVM 15) miscompiles
 * the gating kernel for a few shapes (sigmoid scoring, top-1, E not a multiple of 4, groups of 16+ work-items: the
 * kernel picks the wrong expert; found by the layer fuzz, and correct with "cbs" or "loops" and on every other
 * device). Until PoCL is fixed, moegen asks PoCL for "cbs" before the ICD loader starts it, unless the user chose a
 * method ({@code POCL_WORK_GROUP_METHOD} set). Other OpenCL drivers ignore the variable. Measured on the build CPU:
 * qwen3 /16, two interleaved runs each: T=1 2.27/2.35 ms (cbs) vs 2.17/2.12 ms (loopvec), T=64 25.5/35.1 vs 28.0/20.2 ms
 * (noise larger than the difference).
 */
final class PoclWorkaround {
    static final String VARIABLE = "POCL_WORK_GROUP_METHOD", METHOD = "cbs";
    private static volatile boolean applied;

    private PoclWorkaround() {}

    static synchronized void apply() {
        if (applied) return;
        applied = true;
        var setenv = Linker.nativeLinker().defaultLookup().find("setenv");
        if (setenv.isEmpty()) return;
        var h = Linker.nativeLinker().downcallHandle(setenv.get(), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        try (Arena a = Arena.ofConfined()) {
            int rc = (int) h.invokeExact(a.allocateFrom(VARIABLE), a.allocateFrom(METHOD), 0); // 0: keep the user's choice
            if (rc != 0) System.err.println("moegen: could not set " + VARIABLE + " for PoCL (rc " + rc + ")");
        } catch (Throwable t) {
            throw new IllegalStateException("setenv(" + VARIABLE + ")", t);
        }
    }
}
