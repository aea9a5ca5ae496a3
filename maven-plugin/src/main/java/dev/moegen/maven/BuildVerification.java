package dev.moegen.maven;

import dev.moegen.codegen.params.KernelParams;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.harness.check.CheckRow;
import dev.moegen.harness.check.LayerChecks;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.exec.Prebuilt;
import dev.moegen.verify.reference.LayerInputs;
import java.util.ArrayList;
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
        List<String> failures = new ArrayList<>();
        DeviceSession session;
        try {
            session = Backends.open("auto");
        } catch (RuntimeException e) {
            throw new IllegalStateException("moegen: <verifyTokens>: no backend to verify on: " + e.getMessage(), e);
        }
        try (session) {
            String target = Prebuilt.key(session.target());
            for (Layer l : layers) {
                KernelParams p = l.params().get(target);
                if (p == null) {
                    log.accept("moegen: " + l.spec().name() + ": not generated for " + target + " (the backend here), not verified");
                    continue;
                }
                LayerInputs w = LayerInputs.random(l.spec(), 1, 7);
                List<LayerInputs> cases = tokens.stream().map(t -> LayerInputs.random(l.spec(), t, 7 + t).withWeightsOf(w)).toList();
                int[] checks = {0};
                LayerChecks.run(session, Lowering.lower(l.spec(), session.target(), p), cases, o -> {
                    for (CheckRow row : o.rows()) {
                        checks[0]++;
                        if (!row.pass()) failures.add(l.spec().name() + " T=" + o.inputs().tokens() + " " + row.kernel() + ": " + row.detail());
                    }
                });
                log.accept("moegen: " + l.spec().name() + " verified on " + session.describe() + ": " + checks[0] + " checks");
            }
        }
        if (!failures.isEmpty())
            throw new IllegalStateException("moegen: generated kernels failed verification, nothing written:\n  " + String.join("\n  ", failures));
    }
}
