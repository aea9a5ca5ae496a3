package dev.moegen.verify;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.dsl.types.DType;
import dev.moegen.verify.compare.Compare;
import dev.moegen.verify.compare.Tolerance;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The tensor-core tolerance against an emulation of how tensor cores accumulate (Fasi et al. 2021): per k16 step the
 * 16 exact products and the accumulator are aligned to the largest exponent, bits below its 24-bit significand are
 * truncated, the aligned terms are summed and the result truncated to fp32. A correct kernel at Mixtral's I = 14336
 * passes, the √K round-to-nearest model it replaces rejects such rows, and a kernel that drops one k16 block fails.
 */
class ToleranceTest {
    private static final int K = 14336, ROWS = 256;

    /** float(s) rounded toward zero. */
    private static float truncate(double s) {
        float f = (float) s;
        if (Math.abs((double) f) > Math.abs(s)) f = Math.nextAfter(f, 0.0);
        return f;
    }

    /** One k16 step: accumulator and products aligned to the largest exponent, truncated to its 24-bit grid, summed, truncated to fp32. */
    private static float step(float acc, double[] products) {
        double max = Math.abs(acc);
        for (double v : products) max = Math.max(max, Math.abs(v));
        if (max == 0) return acc;
        double quantum = Math.scalb(1.0, Math.getExponent(max) - 23);
        double s = (double) (long) (acc / quantum) * quantum;
        for (double v : products) s += (double) (long) (v / quantum) * quantum;
        return truncate(s);
    }

    private static float bf16(SplittableRandom r, double scale) {
        return DType.BF16.round((float) ((r.nextDouble() * 2 - 1) * scale));
    }

    @Test
    void tensorCoreTruncationPassesAndADroppedBlockFails() {
        SplittableRandom r = new SplittableRandom(5);
        double[] exact = new double[ROWS];
        float[] tc = new float[ROWS], dropped = new float[ROWS];
        for (int row = 0; row < ROWS; row++) {
            float acc = 0, accDropped = 0;
            double sum = 0;
            // same-sign products: truncation toward zero then errs the same way at every step, its worst realistic case
            for (int k0 = 0; k0 < K; k0 += 16) {
                double[] p = new double[16];
                for (int k = 0; k < 16; k++) {
                    p[k] = (double) Math.abs(bf16(r, 1.0)) * Math.abs(bf16(r, 0.02));
                    sum += p[k];
                }
                acc = step(acc, p);
                if (k0 != 16 * 100) accDropped = step(accDropped, p);
            }
            exact[row] = sum;
            tc[row] = acc;
            dropped[row] = accDropped;
        }
        Tolerance model = Tolerance.forTensorCoreReduction(K), rn = Tolerance.forDtype(DType.FP32).forReduction(K);
        assertTrue(model.rtol() > rn.rtol(), "at K = 14336 truncation outgrows the round-to-nearest bound");
        System.out.println("tensor-core emulation K=" + K + ": " + Compare.close("expert_out", tc, exact, model).summary() + " | RN model: "
                + Compare.close("expert_out", tc, exact, rn).summary());
        assertTrue(Compare.close("expert_out", tc, exact, model).pass(), Compare.close("expert_out", tc, exact, model).summary());
        assertFalse(Compare.close("expert_out", dropped, exact, model).pass(), "one k16 block of 896 dropped must fail");
        assertFalse(Compare.close("expert_out", tc, exact, rn).pass(), "the round-to-nearest model would fail a correct tensor-core kernel");
        assertEquals(Tolerance.forDtype(DType.FP32).forReduction(64).rtol(), Tolerance.forTensorCoreReduction(64).rtol(), 0.0,
                "short sums: the round-to-nearest model already covers truncation");
    }
}
