package dev.moegen.verify.compare;

import dev.moegen.dsl.types.DType;

/**
 * Elementwise bound |a − e| ≤ atol + rtol·|e| and relative Frobenius bound ‖a − e‖/‖e‖ ≤ rtol.
 * Base rtol per dtype (DESIGN.md 5): fp32 1.3e-6, fp16 1e-3, bf16 1.6e-2. An fp32 accumulation of
 * n terms has rounding error growing like √n, so {@link #forReduction} widens rtol by max(1, √n/4);
 * atol is rtol × rms(expected) so an element near zero is judged on the tensor's scale.
 */
public record Tolerance(double rtol, double atolScale) {
    public static Tolerance forDtype(DType d) {
        return switch (d) {
            case FP32 -> new Tolerance(1.3e-6, 1.0);
            case FP16 -> new Tolerance(1e-3, 1.0);
            case BF16 -> new Tolerance(1.6e-2, 1.0);
            case FP8_E4M3 -> new Tolerance(1.25e-1, 1.0);
            case INT32 -> new Tolerance(0, 0);
        };
    }

    /** A whole layer's output: stored in the layer's dtype, built from fp32 sums as long as H or I. */
    public static Tolerance forLayer(dev.moegen.dsl.layer.MoeLayerSpec s) {
        return forDtype(s.dtype()).max(forDtype(DType.FP32).forReduction(Math.max(s.hidden(), s.intermediate())));
    }

    /** For outputs that are sums of {@code n} products accumulated in fp32. */
    public Tolerance forReduction(long n) {
        return new Tolerance(rtol * Math.max(1.0, Math.sqrt((double) n) / 4.0), atolScale);
    }

    /**
     * Tensor cores' bound relative to RN accumulation: {@value #TC_ULPS_PER_STEP} fp32 ulps per k16 step.
     * They add each k16 block's products into the fp32 accumulator with truncation, not round-to-nearest
     * (Fasi, Higham, Mikaitis, Pranesh, "Numerical behavior of NVIDIA tensor cores", PeerJ CS 2021), so the error is
     * biased and grows with the number of steps K/16 rather than √K; up to a few ulps per step.
     */
    public static final double TC_ULPS_PER_STEP = 4;

    /**
     * For fp32 sums of {@code n} products accumulated by tensor cores (mma.sync/wgmma): the looser of the √n
     * round-to-nearest model and {@link #TC_ULPS_PER_STEP} ulps of truncation per k16 step, so a correct kernel at
     * I = 14336 passes while one that drops a k-block (an error of order 16/n) still fails.
     */
    public static Tolerance forTensorCoreReduction(long n) {
        Tolerance rn = forDtype(DType.FP32).forReduction(n);
        double steps = Math.ceil(n / 16.0);
        return new Tolerance(Math.max(rn.rtol, TC_ULPS_PER_STEP * steps * 0x1p-23), rn.atolScale);
    }

    /** The looser of this and {@code other} (e.g. fp32 accumulation vs. bf16 storage). */
    public Tolerance max(Tolerance other) {
        return new Tolerance(Math.max(rtol, other.rtol), Math.max(atolScale, other.atolScale));
    }
}
