package dev.moegen.runtime.opencl;

import static java.lang.foreign.ValueLayout.*;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;

/**
 * PoCL's "loopvec" work-group method on CPUs (which vectorises across work-items with LLVM 15) miscompiles the gating
 * kernel for some shapes: sigmoid scoring, top-1, E not a multiple of 4, groups of 16+ work-items. The kernel then
 * picks the wrong expert. Found by the layer fuzz; reproduced on PoCL 3.1 with {@code moegen verify} on a
 * sigmoid top-1 layer with E = 30 and gate_wg = 32: "loopvec" fails 6 of 21 checks, "auto" passes them all.
 * moegen therefore asks PoCL for "auto" before the ICD loader starts it, unless the user chose a method
 * ({@code POCL_WORK_GROUP_METHOD} set). It used to ask for "cbs", which PoCL 3.1 does not know: PoCL fell back to
 * "auto" and printed a warning for every kernel it built. Other OpenCL drivers ignore the variable.
 */
final class PoclWorkaround {
    static final String VARIABLE = "POCL_WORK_GROUP_METHOD", METHOD = "auto";
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
