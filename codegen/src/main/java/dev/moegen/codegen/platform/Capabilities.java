package dev.moegen.codegen.platform;

/**
 * What a target's hardware offers the kernels, so defaults and floors ask "does it have X", never "is it backend Y".
 *
 * @param tensorCores  16-bit matrix instructions (mma.sync m16n8k16): the tensor-core loops run natively; without
 *                     them they still run, emulated (a checking path, not a fast one)
 * @param wgmma        Hopper's warpgroup wgmma.mma_async
 * @param shuffleWidth lanes of a hardware shuffle (warp size) the gating reduction can use; 0 when there is none
 */
public record Capabilities(boolean tensorCores, boolean wgmma, int shuffleWidth) {
    public static final Capabilities PORTABLE = new Capabilities(false, false, 0);
}
