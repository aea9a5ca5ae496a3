package dev.moegen.maven;

import dev.moegen.codegen.params.KernelParams;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.harness.check.CheckRow;
import dev.moegen.harness.check.LayerVerifier;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.exec.PlanLayer;
import dev.moegen.verify.reference.LayerInputs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The plugin's build-time check: every layer's kernels, with the parameters generated for the best available
 * backend, run on it and are checked kernel by kernel against the reference (as {@code moegen verify} does), before
 * anything is written; a failure fails the build with the rows that failed.
 */
final class BuildVerification {
    private BuildVerification() {}

    /** A layer and its parameters by target ("opencl", "cuda/sm_90a"). */
    record Layer(MoeLayerSpec spec, Map<String, KernelParams> params) {}

    static void check(List<Layer> layers, List<Integer> tokens, Consumer<String> log) {
        for (int t : tokens) if (t < 1) throw new IllegalArgumentException("moegen: <verifyTokens> holds " + t + ": token counts must be >= 1");
        int max = Collections.max(tokens);
        List<String> failures = new ArrayList<>();
        DeviceSession session;
        try {
            session = Backends.open("auto");
        } catch (RuntimeException e) {
            throw new IllegalStateException("moegen: <verifyTokens>: no backend to verify on: " + e.getMessage(), e);
        }
        try (session) {
            String backend = dev.moegen.runtime.exec.Prebuilt.key(session.target());
            for (Layer l : layers) {
                KernelParams p = l.params().get(backend);
                if (p == null) {
                    log.accept("moegen: " + l.spec().name() + ": not generated for " + backend + " (the backend here), not verified");
                    continue;
                }
                PlanLayer layer = new PlanLayer(session, Lowering.lower(l.spec(), session.target(), p), max);
                LayerInputs w = LayerInputs.random(l.spec(), 1, 7);
                layer.setWeights(w.weights());
                int checks = 0;
                for (int t : tokens) {
                    for (CheckRow row : LayerVerifier.verify(layer, LayerInputs.random(l.spec(), t, 7 + t).withWeightsOf(w)).rows()) {
                        checks++;
                        if (!row.pass()) failures.add(l.spec().name() + " T=" + t + " " + row.kernel() + ": " + row.detail());
                    }
                }
                log.accept("moegen: " + l.spec().name() + " verified on " + session.describe() + ": " + checks + " checks");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) { // from close()
            throw new IllegalStateException("moegen: closing the verification session: " + e.getMessage(), e);
        }
        if (!failures.isEmpty())
            throw new IllegalStateException("moegen: generated kernels failed verification, nothing written:\n  " + String.join("\n  ", failures));
    }
}
