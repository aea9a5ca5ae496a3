package dev.moegen.harness.check;

import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.exec.PlanLayer;
import dev.moegen.verify.reference.LayerInputs;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a plan on a session and checks it on several token counts with one set of weights: the call `moegen
 * verify`, the tuner (every candidate before it is timed) and the build-time check share.
 */
public final class LayerChecks {
    private LayerChecks() {}

    /**
     * Loads the plan with buffers for the largest case, uploads the first case's weights (all cases must share
     * them), verifies each case in order and hands each outcome to {@code each} as it completes.
     */
    public static boolean run(DeviceSession session, KernelPlan plan, List<LayerInputs> cases, Consumer<LayerVerifier.Outcome> each) {
        if (cases.isEmpty()) throw new IllegalArgumentException("no cases to verify");
        int maxT = cases.stream().mapToInt(LayerInputs::tokens).max().orElseThrow();
        PlanLayer layer = new PlanLayer(session, plan, maxT);
        layer.setWeights(cases.get(0).weights());
        boolean ok = true;
        for (LayerInputs in : cases) {
            LayerVerifier.Outcome o = LayerVerifier.verify(layer, in);
            ok &= o.pass();
            each.accept(o);
        }
        return ok;
    }
}
