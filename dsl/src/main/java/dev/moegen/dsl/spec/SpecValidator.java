package dev.moegen.dsl.spec;

import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.layer.Routing;
import dev.moegen.dsl.layer.SharedExperts;
import dev.moegen.dsl.types.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a layer spec and reports every problem at once, in the field names of the spec file
 * (snake_case), with the value found and what is allowed.
 */
public final class SpecValidator {
    /** Names become file names and generated identifiers (after sanitising); keep them tame. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,63}");
    /** Largest expert count the kernels index with 16-bit-safe group math; far above real models. */
    public static final int MAX_EXPERTS = 4096;

    private SpecValidator() {}

    public static void check(MoeLayerSpec s) {
        List<String> p = problems(s);
        if (!p.isEmpty()) throw new SpecException(s.name() == null ? null : "'" + s.name() + "'", p);
    }

    public static List<String> problems(MoeLayerSpec s) {
        List<String> p = new ArrayList<>();
        if (s.name() == null || !NAME.matcher(s.name()).matches())
            p.add("name = " + quote(s.name()) + ": must match " + NAME.pattern());
        if (s.dtype() == null) p.add("dtype is missing; allowed: fp32, fp16, bf16");
        else if (s.dtype() == DType.FP8_E4M3)
            p.add("dtype = fp8-e4m3: no fp8 kernels exist yet (they would silently compute in another type); allowed: fp32, fp16, bf16");
        else if (!s.dtype().floating()) p.add("dtype = " + s.dtype().id() + ": a layer computes in fp32, fp16 or bf16");
        positive(p, "hidden", s.hidden());
        positive(p, "intermediate", s.intermediate());
        if (s.experts() < 1 || s.experts() > MAX_EXPERTS)
            p.add("experts = " + s.experts() + ": must be in [1, " + MAX_EXPERTS + "]");
        if (s.topK() < 1 || (s.experts() >= 1 && s.topK() > s.experts()))
            p.add("top_k = " + s.topK() + ": must be in [1, experts = " + s.experts() + "]");
        if (s.activation() == null) p.add("activation is missing");
        routing(p, s);
        shared(p, s);
        capacity(p, s);
        if (p.isEmpty()) sizes(p, s);
        return p;
    }

    private static void routing(List<String> p, MoeLayerSpec s) {
        Routing r = s.routing();
        if (r == null) {
            p.add("routing is missing");
            return;
        }
        if (r.scoring() == null) p.add("routing.scoring is missing; allowed: softmax, sigmoid");
        if (r.nGroup() < 1) p.add("routing.n_group = " + r.nGroup() + ": must be >= 1");
        else if (s.experts() > 0 && s.experts() % r.nGroup() != 0)
            p.add("routing.n_group = " + r.nGroup() + ": must divide experts = " + s.experts());
        if (r.topkGroup() < 1 || (r.nGroup() >= 1 && r.topkGroup() > r.nGroup()))
            p.add("routing.topk_group = " + r.topkGroup() + ": must be in [1, n_group = " + r.nGroup() + "]");
        else if (r.nGroup() > 1 && s.experts() % r.nGroup() == 0) {
            int perGroup = s.experts() / r.nGroup();
            if (perGroup < r.groupScore().minGroupSize())
                p.add("routing.n_group = " + r.nGroup() + ": groups need >= 2 experts (group_score top2_sum sums the top 2), got " + perGroup);
            if ((long) r.topkGroup() * perGroup < s.topK())
                p.add("routing.topk_group = " + r.topkGroup() + ": kept groups hold " + (long) r.topkGroup() * perGroup
                        + " experts, fewer than top_k = " + s.topK());
        }
        if (!(r.renormalizeP() > 0) || !Double.isFinite(r.renormalizeP()) || r.renormalizeP() > 16)
            p.add("routing.renormalize_p = " + r.renormalizeP() + ": must be a number in (0, 16] (1: divide by the sum)");
        else if (r.renormalizeP() != 1 && !r.renormalize())
            p.add("routing.renormalize_p = " + r.renormalizeP() + ": applies only with renormalize: true");
        if (r.expertChoice()) {
            String ec = "routing.strategy = expert_choice";
            if (s.capacityFactor() == null && s.expertCapacity() == null)
                p.add(ec + ": needs capacity_factor (C = ceil(f·T·top_k/E) tokens per expert) or expert_capacity (C itself)");
            if (s.sequenceLength() != null) p.add(ec + ": experts choose among all T tokens; sequence_length = " + s.sequenceLength() + " is for token choice");
            if (r.nGroup() != 1) p.add(ec + ": n_group = " + r.nGroup() + " is for token choice (must be 1)");
            if (r.correctionBias()) p.add(ec + ": correction_bias is for token choice (must be false)");
            if (r.renormalize()) p.add(ec + ": renormalize must be false (a token's weights are the scores of the experts that chose it)");
            if (r.noisyGating()) p.add(ec + ": noisy_gating is for token choice (must be false)");
        }
        if (r.secondExpertPolicy() == dev.moegen.dsl.layer.SecondExpertPolicy.RANDOM && s.topK() != 2)
            p.add("routing.second_expert_policy = random: GShard's rule for a second expert needs top_k = 2, got top_k = " + s.topK());
        if (!(r.biasUpdateSpeed() >= 0) || !Double.isFinite(r.biasUpdateSpeed()))
            p.add("routing.bias_update_speed = " + r.biasUpdateSpeed() + ": must be a finite number >= 0");
        if (!(r.routedScalingFactor() > 0) || !Double.isFinite(r.routedScalingFactor()))
            p.add("routing.routed_scaling_factor = " + r.routedScalingFactor() + ": must be a finite number > 0");
    }

    /** Assignments one permutation work-item walks when the capacity holds per sequence (a sequence's slots). */
    public static final int MAX_SEQUENCE_ASSIGNMENTS = 1 << 20;

    private static void capacity(List<String> p, MoeLayerSpec s) {
        Double f = s.capacityFactor();
        Integer c = s.expertCapacity(), l = s.sequenceLength();
        if (f != null && !(f > 0 && Double.isFinite(f)))
            p.add("capacity_factor = " + f + ": must be a finite number > 0, or absent for dropless");
        if (c != null && c < 1) p.add("expert_capacity = " + c + ": must be >= 1, or absent");
        if (f != null && c != null)
            p.add("capacity_factor = " + f + " and expert_capacity = " + c + ": give one (a factor of the tokens per expert, or a fixed count), not both");
        if (l == null) return;
        if (f == null && c == null)
            p.add("sequence_length = " + l + ": applies only with capacity_factor or expert_capacity (a dropless layer has no capacity to split)");
        else if (l < 1) p.add("sequence_length = " + l + ": must be >= 1");
        else if (p.isEmpty() && (long) l * s.slotsPerToken() > MAX_SEQUENCE_ASSIGNMENTS)
            p.add("sequence_length = " + l + ": × " + s.slotsPerToken() + " slots per token must be ≤ " + MAX_SEQUENCE_ASSIGNMENTS
                    + " (one permutation work-item walks a sequence)");
    }

    private static void shared(List<String> p, MoeLayerSpec s) {
        SharedExperts sh = s.shared();
        if (sh == null || sh.count() == 0) {
            if (sh != null && sh.gated()) p.add("shared.gated = true: needs shared.count >= 1");
            return;
        }
        if (sh.count() < 0) p.add("shared.count = " + sh.count() + ": must be >= 0");
        if (sh.intermediate() <= 0) p.add("shared.intermediate = " + sh.intermediate() + ": must be > 0 when shared.count > 0");
        else if (s.intermediate() > 0 && sh.intermediate() % s.intermediate() != 0)
            p.add("shared.intermediate = " + sh.intermediate() + ": must be a multiple of intermediate = " + s.intermediate()
                    + " (shared experts ride the routed GroupGEMMs as slices)");
    }

    /** Element counts the kernels index must fit a signed 64-bit integer. */
    private static void sizes(List<String> p, MoeLayerSpec s) {
        try {
            long w = Math.multiplyExact(Math.multiplyExact((long) s.totalExperts(), s.activation().gemm1Width(s.intermediate())), (long) s.hidden());
            Math.multiplyExact(w, 2L); // W13 and W2 together
        } catch (ArithmeticException e) {
            p.add("experts × intermediate × hidden = " + s.experts() + " × " + s.intermediate() + " × " + s.hidden()
                    + ": weight element count overflows 64 bits");
        }
    }

    private static void positive(List<String> p, String field, int v) {
        if (v <= 0) p.add(field + " = " + v + ": must be > 0");
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
