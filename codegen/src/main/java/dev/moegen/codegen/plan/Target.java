package dev.moegen.codegen.plan;

import dev.moegen.codegen.Backend;

/**
 * What a plan is made for: a backend and, for CUDA, the architecture ("sm_90a", "sm_80"; "sm_90a" when
 * generating ahead of time, since the source also compiles its sm_80 fallback).
 */
public record Target(Backend backend, String arch) {
    public static final Target OPENCL = new Target(Backend.OPENCL, "");
    public static final Target CUDA_AHEAD_OF_TIME = cuda("sm_90a");

    public static Target cuda(String arch) {
        if (!arch.matches("sm_\\d+a?")) throw new IllegalArgumentException("arch = '" + arch + "': expected sm_NN or sm_NNa");
        return new Target(Backend.CUDA, arch);
    }

    /** The default target of a backend when no device is at hand. */
    public static Target of(Backend b) {
        return b == Backend.CUDA ? CUDA_AHEAD_OF_TIME : OPENCL;
    }

    /** wgmma exists on sm_90a only (the "a" features are not forward compatible). */
    public boolean hasWgmma() {
        return backend == Backend.CUDA && arch.equals("sm_90a");
    }
}
