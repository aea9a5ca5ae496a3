package dev.moegen.verify;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.dsl.preset.Presets;
import dev.moegen.verify.junit.MoeAssertions;
import dev.moegen.verify.junit.Observed;
import dev.moegen.verify.reference.Reference;
import org.junit.jupiter.api.Test;

class MoeAssertionsTest {
    @Test
    void acceptsAFloatImplementationAndRejectsAWrongOne() {
        var spec = Presets.get("deepseek-v2-lite").scaled(64);
        // an implementation that computes the layer in float and rounds the output to bf16
        MoeAssertions.assertMatchesReference(spec, in -> {
            double[] y = Reference.forward(in, 16).y();
            float[] f = new float[y.length];
            for (int i = 0; i < y.length; i++) f[i] = spec.dtype().round((float) y[i]);
            return new Observed(f, Reference.forward(in, 16).routing().ids());
        }, 7L, 1, 9);
        AssertionError e = assertThrows(AssertionError.class, () -> MoeAssertions.assertMatchesReference(spec, in -> {
            double[] y = Reference.forward(in, 16).y();
            float[] f = new float[y.length];
            for (int i = 0; i < y.length; i++) f[i] = (float) y[i] * 1.05f; // 5 % off
            return Observed.y(f);
        }, 7L, 3));
        assertTrue(e.getMessage().contains("T=3 seed 7") && e.getMessage().contains("FAIL"), e.getMessage());
        AssertionError ids = assertThrows(AssertionError.class, () -> MoeAssertions.assertMatchesReference(spec, in -> {
            int[] bad = Reference.forward(in, 16).routing().ids().clone();
            bad[0] = (bad[0] + 1) % spec.experts();
            return new Observed(new float[in.tokens() * spec.hidden()], bad);
        }, 7L, 2));
        assertTrue(ids.getMessage().contains("top-k ids: FAIL"), ids.getMessage());
    }
}
