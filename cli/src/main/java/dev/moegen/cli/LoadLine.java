package dev.moegen.cli;

import dev.moegen.verify.stats.LoadStats;

/** One line of load statistics, as `reference` and `verify` print them. */
final class LoadLine {
    private LoadLine() {}

    /** The load-statistics kernel's figures from a checked run. */
    static String ofDevice(dev.moegen.runtime.exec.LayerRun run, dev.moegen.dsl.layer.MoeLayerSpec s) {
        int e = s.experts();
        int[] load = run.i(dev.moegen.codegen.plan.BufferId.EXPERT_LOAD);
        float[] stats = run.f(dev.moegen.codegen.plan.BufferId.LOAD_STATS);
        long[] counts = new long[e];
        double[] f = new double[e], p = new double[e];
        long routed = (long) run.tokens() * s.topK();
        for (int i = 0; i < e; i++) {
            counts[i] = load[i];
            f[i] = routed == 0 ? 0 : (double) load[i] / routed;
            p[i] = stats[i];
        }
        double[] bias = null;
        if (s.routing().correctionBias()) {
            float[] b = run.f(dev.moegen.codegen.plan.BufferId.UPDATED_BIAS);
            bias = new double[e];
            for (int i = 0; i < e; i++) bias[i] = b[i];
        }
        return of(new LoadStats(counts, f, p, stats[e], stats[e + 1], load[e], bias), e);
    }

    static String of(LoadStats st, int experts) {
        return String.format("experts used %d/%d  max/mean load %.2f  aux loss (E*sum f*P) %.4f  z-loss %.4f  dropped %d%s", st.expertsUsed(), experts,
                st.maxOverMean(), st.auxLoss(), st.zLoss(), st.dropped(), st.updatedBias() == null ? "" : "  bias update ±" + biasStep(st));
    }

    /** How many biases DeepSeek-V3's update raises (underloaded experts) and lowers (overloaded ones). */
    private static String biasStep(LoadStats st) {
        double mean = 0;
        for (long c : st.tokensPerExpert()) mean += c;
        mean /= st.tokensPerExpert().length;
        int up = 0, down = 0;
        for (long c : st.tokensPerExpert()) {
            if (c < mean) up++;
            else if (c > mean) down++;
        }
        return String.format("γ (%d up, %d down)", up, down);
    }
}
