package dev.moegen.cli.check;

import dev.moegen.codegen.plan.KernelPlan;
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

    public record Outcome(List<CheckRow> rows, LayerRun run, LayerResult reference) {
        public boolean pass() {
            return rows.stream().allMatch(CheckRow::pass);
        }
    }

    public static Outcome verify(PlanLayer layer, LayerInputs in) {
        KernelPlan plan = layer.plan();
        MoeLayerSpec s = plan.spec();
        int t = in.tokens(), h = s.hidden(), i = s.intermediate(), slots = s.slotsPerToken(), bm = plan.params().blockM();
        DType d = s.dtype();
        LayerRun run = layer.run(in.x(), t);
        Map<String, Long> ns = run.kernelNanos();
        List<CheckRow> rows = new ArrayList<>();
        Tolerance storage = Tolerance.forDtype(d);

        // router GEMM
        double[] refLogits = Reference.routerLogits(in);
        Tolerance tLogits = Tolerance.forDtype(DType.FP32).forReduction(h);
        rows.add(row("moe_router_gemm", "[" + t + "," + plan.routerRows() + "]", Compare.close("logits", run.f("logits"), refLogits, tLogits), ms(ns, "moe_router_gemm")));

        // gating: ids exact up to near ties on the device's own logits; weights close
        double[] devLogits = toDouble(run.f("logits"));
        int[] devIds = run.i("topk_ids");
        TopKCheck.Result tk = TopKCheck.check(in, devLogits, devIds);
        int[][] forced = tk.forced();
        RoutingResult route = Reference.route(in, devLogits, forced);
        CompareResult ids = Compare.exact("topk_ids", devIds, route.ids(), t * slots);
        CompareResult wts = Compare.close("topk_weights", run.f("topk_weights"), route.weights(), Tolerance.forDtype(DType.FP32).forReduction(s.experts()));
        rows.add(new CheckRow("moe_gating", "[" + t + "," + slots + "]", wts.maxAbsError(), wts.relError(),
                tolText(wts) + ", ids exact", tk.pass() && ids.pass() && wts.pass(), ms(ns, "moe_gating"),
                tk.nearTies() + " near ties" + (tk.pass() ? "" : "; " + tk.summary()) + (ids.pass() ? "" : "; " + ids.summary()) + (wts.pass() ? "" : "; " + wts.summary())));

        // permutation: exact against the reference alignment of the device's ids, plus structure
        RoutingResult kept = Reference.applyCapacity(s, new RoutingResult(t, slots, devIds, route.weights()));
        Alignment al = Reference.align(kept.ids(), s.totalExperts(), bm);
        int post = run.i("num_tokens_post_padded")[0];
        List<String> perm = new ArrayList<>(PermutationCheck.problems(kept.ids(), run.i("sorted_token_ids"), run.i("expert_ids"), post, run.i("slot_position"), bm));
        for (CompareResult c : List.of(
                Compare.exact("num_tokens_post_padded", new int[] {post}, new int[] {al.numTokensPostPadded()}, 1),
                Compare.exact("sorted_token_ids", run.i("sorted_token_ids"), al.sortedTokenIds(), al.numTokensPostPadded()),
                Compare.exact("expert_ids", run.i("expert_ids"), al.expertIds(), al.blocks()),
                Compare.exact("slot_position", run.i("slot_position"), al.slotPosition(), t * slots)))
            if (!c.pass()) perm.add(c.summary());
        double alignMs = ms(ns, "moe_align_count") + ms(ns, "moe_align_scan") + ms(ns, "moe_align_scatter");
        rows.add(new CheckRow("moe_align (count+scan+scatter)", "[" + t * slots + "] -> " + al.numTokensPostPadded(), perm.isEmpty() ? 0 : Double.NaN,
                perm.isEmpty() ? 0 : Double.NaN, "exact", perm.isEmpty(), alignMs, perm.isEmpty() ? "" : String.join("; ", perm.subList(0, Math.min(3, perm.size())))));
        if (!perm.isEmpty()) return new Outcome(rows, run, null);

        // GroupGEMM 1 on the device's permutation
        java.util.function.IntPredicate validRowI = k -> al.sortedTokenIds()[k / i] < al.sentinel();
        java.util.function.IntPredicate validRowH = k -> al.sortedTokenIds()[k / h] < al.sentinel();
        double[] refInter = Reference.groupGemm1(in, al);
        rows.add(row("moe_group_gemm_1", "[" + al.numTokensPostPadded() + "," + i + "]x" + h,
                Compare.close("inter", run.f("inter"), refInter, storage.max(Tolerance.forDtype(DType.FP32).forReduction(h)), validRowI), ms(ns, "moe_group_gemm_1")));
        // GroupGEMM 2 on the device's inter and weights
        double[] refOut = Reference.groupGemm2(in, al, toDouble(run.f("inter")), new RoutingResult(t, slots, kept.ids(), toDouble(run.f("topk_weights"))));
        rows.add(row("moe_group_gemm_2", "[" + al.numTokensPostPadded() + "," + h + "]x" + i,
                Compare.close("expert_out", run.f("expert_out"), refOut, Tolerance.forDtype(DType.FP32).forReduction(i), validRowH), ms(ns, "moe_group_gemm_2")));
        // combine on the device's expert outputs
        double[] refY = Reference.combine(s, t, al, toDouble(run.f("expert_out")));
        rows.add(row("moe_combine", "[" + t + "," + h + "]", Compare.close("y", run.f("y"), refY, storage.max(Tolerance.forDtype(DType.FP32).forReduction(slots))), ms(ns, "moe_combine")));

        // whole layer against the reference from the inputs (near-tie picks forced)
        LayerResult full = Reference.forward(in, bm, forced);
        rows.add(row("layer (all kernels)", "[" + t + "," + h + "]", Compare.close("y", run.f("y"), full.y(), Tolerance.forLayer(s)), run.totalNanos() / 1e6));
        return new Outcome(rows, run, full);
    }

    private static CheckRow row(String kernel, String shape, CompareResult c, double millis) {
        return new CheckRow(kernel, shape, c.maxAbsError(), c.relError(), tolText(c), c.pass(), millis, c.pass() ? "" : c.summary());
    }

    private static String tolText(CompareResult c) {
        return String.format("rtol %.1e", c.rtol());
    }

    private static double ms(Map<String, Long> ns, String k) {
        return ns.getOrDefault(k, 0L) / 1e6;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int k = 0; k < f.length; k++) d[k] = f[k];
        return d;
    }
}
