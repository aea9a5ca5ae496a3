package dev.moegen.harness.check;

import static dev.moegen.codegen.plan.BufferId.*;

import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.KernelRole;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.types.DType;
import dev.moegen.runtime.exec.LayerRun;
import dev.moegen.runtime.exec.PlanLayer;
import dev.moegen.verify.compare.*;
import dev.moegen.verify.reference.*;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a plan on a device and checks every kernel, each on the inputs the device itself produced
 * (so an error is pinned to the kernel that made it), then the whole layer against the full
 * reference. Top-k ids are exact up to near ties; accepted near-tie picks are forced into the
 * reference before the rest is compared.
 */
public final class LayerVerifier {
    private LayerVerifier() {}

    public record Outcome(LayerInputs inputs, List<CheckRow> rows, LayerRun run, LayerResult reference) {
        public boolean pass() {
            return rows.stream().allMatch(CheckRow::pass);
        }
    }

    public static Outcome verify(PlanLayer layer, LayerInputs in) {
        KernelPlan plan = layer.plan();
        MoeLayerSpec s = plan.spec();
        int t = in.tokens(), h = s.hidden(), i = s.intermediate(), slots = s.slotsPerToken(), bm = plan.params().blockM();
        DType d = s.dtype();
        LayerRun run = layer.seed(in.noiseSeed()).run(in.x(), t);
        List<CheckRow> rows = new ArrayList<>();
        Tolerance storage = Tolerance.forDtype(d);

        // router GEMM
        double[] refLogits = Reference.routerLogits(in);
        Tolerance tLogits = Tolerance.forDtype(DType.FP32).forReduction(h);
        rows.add(row(KernelRole.ROUTER_GEMM.entry(), "[" + t + "," + plan.routerRows() + "]", Compare.close(LOGITS.id(), run.f(LOGITS), refLogits, tLogits), run.millis(KernelRole.ROUTER_GEMM)));

        // gating: ids exact up to near ties on the device's own logits; weights close
        double[] devLogits = toDouble(run.f(LOGITS));
        int[] devIds = run.i(TOPK_IDS);
        TopKCheck.Result tk = TopKCheck.check(in, devLogits, devIds);
        int[][] forced = tk.forced();
        RoutingResult route = Reference.route(in, devLogits, forced);
        CompareResult ids = Compare.exact(TOPK_IDS.id(), devIds, route.ids(), t * slots);
        CompareResult wts = Compare.close(TOPK_WEIGHTS.id(), run.f(TOPK_WEIGHTS), route.weights(), Tolerance.forDtype(DType.FP32).forReduction(s.experts()));
        boolean choice = s.routing().expertChoice(); // the expert-choice kernel completes the gating's ids
        rows.add(new CheckRow(KernelRole.GATING.entry() + (choice ? " + " + KernelRole.EXPERT_CHOICE.entry() : ""), "[" + t + "," + slots + "]", wts.maxAbsError(), wts.relError(),
                tolText(wts) + ", ids exact", tk.pass() && ids.pass() && wts.pass(), run.millis(KernelRole.GATING) + run.millis(KernelRole.EXPERT_CHOICE),
                tk.nearTies() + " near ties" + (tk.pass() ? "" : "; " + tk.summary()) + (ids.pass() ? "" : "; " + ids.summary()) + (wts.pass() ? "" : "; " + wts.summary())));

        // permutation: exact against the reference alignment of the device's ids, plus structure
        RoutingResult kept = Reference.applyCapacity(s, new RoutingResult(t, slots, devIds, route.weights()));
        Alignment al = Reference.align(kept.ids(), s.totalExperts(), bm);
        int post = run.i(NUM_TOKENS_POST_PADDED)[0];
        List<String> perm = new ArrayList<>(PermutationCheck.problems(kept.ids(), run.i(SORTED_TOKEN_IDS), run.i(EXPERT_IDS), post, run.i(SLOT_POSITION), bm));
        for (CompareResult c : List.of(
                Compare.exact(NUM_TOKENS_POST_PADDED.id(), new int[] {post}, new int[] {al.numTokensPostPadded()}, 1),
                Compare.exact(SORTED_TOKEN_IDS.id(), run.i(SORTED_TOKEN_IDS), al.sortedTokenIds(), al.numTokensPostPadded()),
                Compare.exact(EXPERT_IDS.id(), run.i(EXPERT_IDS), al.expertIds(), al.blocks()),
                Compare.exact(SLOT_POSITION.id(), run.i(SLOT_POSITION), al.slotPosition(), t * slots)))
            if (!c.pass()) perm.add(c.summary());
        double alignMs = run.millis(KernelRole.ALIGN_COUNT) + run.millis(KernelRole.ALIGN_SCAN) + run.millis(KernelRole.ALIGN_SCATTER)
                + run.millis(KernelRole.ALIGN_FUSED);
        rows.add(new CheckRow("moe_align (count+scan+scatter)", "[" + t * slots + "] -> " + al.numTokensPostPadded(), perm.isEmpty() ? 0 : Double.NaN,
                perm.isEmpty() ? 0 : Double.NaN, "exact", perm.isEmpty(), alignMs, perm.isEmpty() ? "" : String.join("; ", perm.subList(0, Math.min(3, perm.size())))));
        if (!perm.isEmpty()) return new Outcome(in, rows, run, null);

        // GroupGEMM 1 on the device's permutation
        java.util.function.IntPredicate validRowI = k -> al.sortedTokenIds()[k / i] < al.sentinel();
        java.util.function.IntPredicate validRowH = k -> al.sortedTokenIds()[k / h] < al.sentinel();
        double[] refInter = Reference.groupGemm1(in, al);
        rows.add(row(KernelRole.GROUP_GEMM_1.entry(), "[" + al.numTokensPostPadded() + "," + i + "]x" + h,
                Compare.close(INTER.id(), run.f(INTER), refInter, storage.max(plan.params().gemm().tensorCores() ? Tolerance.forTensorCoreReduction(h)
                        : Tolerance.forDtype(DType.FP32).forReduction(h)), validRowI), run.millis(KernelRole.GROUP_GEMM_1)));
        // GroupGEMM 2 on the device's inter and weights
        double[] refOut = Reference.groupGemm2(in, al, toDouble(run.f(INTER)), new RoutingResult(t, slots, kept.ids(), toDouble(run.f(TOPK_WEIGHTS))));
        rows.add(row(KernelRole.GROUP_GEMM_2.entry(), "[" + al.numTokensPostPadded() + "," + h + "]x" + i,
                Compare.close(EXPERT_OUT.id(), run.f(EXPERT_OUT), refOut, plan.params().gemm().tensorCores() ? Tolerance.forTensorCoreReduction(i)
                        : Tolerance.forDtype(DType.FP32).forReduction(i), validRowH), run.millis(KernelRole.GROUP_GEMM_2)));
        // combine on the device's expert outputs
        double[] refY = Reference.combine(s, t, al, toDouble(run.f(EXPERT_OUT)));
        // with fuse_combine, GroupGEMM 2's tiles wrote y: its time is GroupGEMM 2's
        String combine = KernelRole.COMBINE.entry() + (plan.params().fuseCombine() ? " (in " + KernelRole.GROUP_GEMM_2.entry() + ")" : "");
        rows.add(row(combine, "[" + t + "," + h + "]", Compare.close(Y.id(), run.f(Y), refY, storage.max(Tolerance.forDtype(DType.FP32).forReduction(slots))), run.millis(KernelRole.COMBINE)));

        // load statistics on the device's logits and routing
        rows.add(loadStats(run, in, devLogits, new RoutingResult(t, slots, devIds, route.weights()), kept));

        // whole layer against the reference from the inputs (near-tie picks forced)
        LayerResult full = Reference.forward(in, bm, forced);
        rows.add(row("layer (all kernels)", "[" + t + "," + h + "]", Compare.close(Y.id(), run.f(Y), full.y(), Tolerance.forLayer(s)), run.totalNanos() / 1e6));
        return new Outcome(in, rows, run, full);
    }

    /** Counts and dropped exact; probabilities, losses and the bias update close (fp32 sums over T tokens). */
    private static CheckRow loadStats(LayerRun run, LayerInputs in, double[] logits, RoutingResult routing, RoutingResult kept) {
        MoeLayerSpec s = in.spec();
        int e = s.experts();
        dev.moegen.verify.stats.LoadStats ref = dev.moegen.verify.stats.LoadStats.of(in, logits, routing, kept);
        int[] wantCounts = new int[e + 1];
        for (int i = 0; i < e; i++) wantCounts[i] = Math.toIntExact(ref.tokensPerExpert()[i]);
        wantCounts[e] = Math.toIntExact(ref.dropped());
        double[] want = java.util.Arrays.copyOf(ref.p(), e + 2);
        want[e] = ref.auxLoss();
        want[e + 1] = ref.zLoss();
        for (int i = 0; i < want.length; i++) want[i] = (float) want[i]; // stored as fp32: past its range, ±∞
        Tolerance tol = Tolerance.forDtype(DType.FP32).forReduction(Math.max(in.tokens(), e));
        CompareResult counts = Compare.exact(EXPERT_LOAD.id(), run.i(EXPERT_LOAD), wantCounts, e + 1);
        CompareResult stats = Compare.close(LOAD_STATS.id(), run.f(LOAD_STATS), want, tol);
        List<CompareResult> all = new ArrayList<>(List.of(counts, stats));
        if (ref.updatedBias() != null) all.add(Compare.close(UPDATED_BIAS.id(), run.f(UPDATED_BIAS), ref.updatedBias(), tol));
        boolean pass = all.stream().allMatch(CompareResult::pass);
        String detail = String.format("aux %.4f, z %.3f, dropped %d", ref.auxLoss(), ref.zLoss(), ref.dropped());
        for (CompareResult c : all) if (!c.pass()) detail += "; " + c.summary();
        return new CheckRow(KernelRole.LOAD_STATS.entry(), "[" + e + "] from [" + in.tokens() + "," + s.topK() + "]", stats.maxAbsError(), stats.relError(),
                tolText(stats) + ", counts exact", pass, run.millis(KernelRole.LOAD_STATS), detail);
    }

    private static CheckRow row(String kernel, String shape, CompareResult c, double millis) {
        return new CheckRow(kernel, shape, c.maxAbsError(), c.relError(), tolText(c), c.pass(), millis, c.pass() ? "" : c.summary());
    }

    private static String tolText(CompareResult c) {
        return String.format("rtol %.1e", c.rtol());
    }

    public static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int k = 0; k < f.length; k++) d[k] = f[k];
        return d;
    }
}
