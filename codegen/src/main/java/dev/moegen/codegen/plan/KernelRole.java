package dev.moegen.codegen.plan;

import static dev.moegen.codegen.plan.BufferId.*;
import static dev.moegen.codegen.plan.KernelArg.ScalarArg.*;

import dev.moegen.codegen.params.KernelParams;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Every kernel of a layer, defined once: its entry point, launch geometry and signature. The generated C
 * signatures ({@link #renderSignature}) and the host's argument binding both come from {@link #signature}, so
 * the two orders cannot drift apart; runtimes look kernels up by role.
 */
public enum KernelRole {
    ROUTER_GEMM("moe_router_gemm", Geometry.TOKEN_ROUTER_ROWS, null),
    GATING("moe_gating", Geometry.TOKEN_GROUPS, "GATE_WG"),
    /** Expert choice: each expert's top-C tokens, one work-group per expert. */
    EXPERT_CHOICE("moe_expert_choice", Geometry.EXPERT_GROUPS, "SCAN_WG"),
    ALIGN_COUNT("moe_align_count", Geometry.ALIGN_CHUNKS, null),
    ALIGN_SCAN("moe_align_scan", Geometry.SINGLE_GROUP, "SCAN_WG"),
    ALIGN_SCATTER("moe_align_scatter", Geometry.ALIGN_CHUNKS, null),
    /** The three align steps in one work-group, launched instead of them when every chunk has a work-item there. */
    ALIGN_FUSED("moe_align_fused", Geometry.SINGLE_GROUP, "SCAN_WG"),
    GROUP_GEMM_1("moe_group_gemm_1", Geometry.GEMM1_TILES, "GEMM_THREADS"),
    GROUP_GEMM_2("moe_group_gemm_2", Geometry.GEMM2_TILES, "GEMM2_THREADS"),
    COMBINE("moe_combine", Geometry.TOKEN_HIDDEN, null),
    /** Expert load, balance losses and the bias update from a forward's routing: launched by checked runs and on request, not by forward(). */
    LOAD_STATS("moe_load_stats", Geometry.SINGLE_GROUP, "SCAN_WG");

    private final String entry;
    private final Geometry geometry;
    private final String blockThreads;

    KernelRole(String entry, Geometry geometry, String blockThreads) {
        this.entry = entry;
        this.geometry = geometry;
        this.blockThreads = blockThreads;
    }

    /**
     * The define holding this kernel's threads per block where that is a tunable (its launch bounds); null for the
     * fixed 64-work-item kernels, where bounds would only make ptxas trade registers for occupancy they do not need.
     */
    public String blockThreads() {
        return blockThreads;
    }

    /** How the kernel is declared: {@code KERNEL_WG(GATE_WG)} with launch bounds, or {@code KERNEL}. */
    public String qualifier() {
        return blockThreads == null ? "KERNEL" : "KERNEL_WG(" + blockThreads + ")";
    }

    /** The kernel's entry-point name in the generated source. */
    public String entry() {
        return entry;
    }

    public Geometry geometry() {
        return geometry;
    }

    /**
     * The arguments in order, for layer {@code s} with parameters {@code p}: buffers the plan lacks (optional biases,
     * the counting kernels' buffers) are left out; with fuse_combine GroupGEMM 2 also takes what the combine reads and
     * writes; with a producer warpgroup (warp-specialised wgmma) the GroupGEMMs take their weight's TMA tensor map last.
     */
    public List<KernelArg> signature(MoeLayerSpec s, KernelParams p) {
        Sig g = new Sig(s, p);
        List<KernelArg> args = switch (this) {
            case ROUTER_GEMM -> g.in(X, W_ROUTER, B_ROUTER).out(LOGITS).scalars(TOKENS).args;
            // noisy gating and GShard's coin draw from the stream the seed keys
            case GATING -> g.in(LOGITS, E_SCORE_CORRECTION_BIAS).out(TOPK_IDS, TOPK_WEIGHTS).scalars(TOKENS).scalarIf(s.routing().random(), SEED).args;
            case EXPERT_CHOICE -> g.in(TOPK_WEIGHTS).out(TOPK_IDS).scalars(TOKENS, CHOSEN).args;
            case ALIGN_COUNT -> g.in(TOPK_IDS).out(CHUNK_COUNTS).scalars(TOKENS).args;
            case ALIGN_SCAN -> g.out(CHUNK_COUNTS, EXPERT_START, EXPERT_KEPT, SORTED_TOKEN_IDS, EXPERT_IDS, NUM_TOKENS_POST_PADDED)
                    .scalars(TOKENS, CAPACITY).args;
            case ALIGN_SCATTER -> g.in(TOPK_IDS).out(CHUNK_COUNTS).in(EXPERT_START).out(SORTED_TOKEN_IDS, SLOT_POSITION).scalars(TOKENS, CAPACITY).args;
            case ALIGN_FUSED -> g.in(TOPK_IDS).out(CHUNK_COUNTS, EXPERT_START, EXPERT_KEPT, SORTED_TOKEN_IDS, EXPERT_IDS, NUM_TOKENS_POST_PADDED, SLOT_POSITION)
                    .scalars(TOKENS, CAPACITY).args;
            case GROUP_GEMM_1 -> g.in(X, W13, B13, SORTED_TOKEN_IDS, EXPERT_IDS, NUM_TOKENS_POST_PADDED).outAs(INTER, "out")
                    .out(GEMM1_PARTIALS, GEMM1_COUNTERS).scalars(TOKENS).args;
            case GROUP_GEMM_2 -> g.in(INTER, W2, B2, TOPK_WEIGHTS, SORTED_TOKEN_IDS, EXPERT_IDS, NUM_TOKENS_POST_PADDED).outAs(EXPERT_OUT, "out")
                    .inIf(p.fuseCombine(), SLOT_POSITION).outIf(p.fuseCombine(), Y).out(COMBINE_COUNTERS).scalars(TOKENS).args;
            case COMBINE -> g.in(EXPERT_OUT, SLOT_POSITION).out(Y).scalars(TOKENS, SPLITS).args;
            // the gate logits' noise is drawn again, from the forward's seed
            case LOAD_STATS -> g.in(LOGITS, TOPK_IDS, EXPERT_KEPT, E_SCORE_CORRECTION_BIAS).out(TOKEN_LSE, EXPERT_LOAD, BufferId.LOAD_STATS, UPDATED_BIAS)
                    .scalars(TOKENS).scalarIf(s.routing().noisyGating(), SEED).args;
        };
        if (p.producer() && this == GROUP_GEMM_1) args.add(new KernelArg.TensorMap(W13));
        if (p.producer() && this == GROUP_GEMM_2) args.add(new KernelArg.TensorMap(W2));
        return args;
    }

    /** The C parameter list for the shared kernel bodies: "GLOBAL const act_t* x, ..., int T". */
    public String renderSignature(MoeLayerSpec s, KernelParams p) {
        List<String> parts = new ArrayList<>();
        for (KernelArg a : signature(s, p)) {
            parts.add(switch (a) {
                case KernelArg.Buffer b -> "GLOBAL " + (b.writes() ? "" : "const ") + cType(b.buffer()) + "* " + b.param();
                case KernelArg.Scalar sc -> "int " + sc.scalar().id();
                case KernelArg.TensorMap m -> "TENSOR_MAP_PARAM " + m.name(); // spelled by the dialect's tensor-core header
            });
        }
        return String.join(", ", parts);
    }

    private static String cType(BufferId b) {
        if (b.activation()) return "act_t";
        return switch (b.dtype(null)) {
            case FP32 -> "float";
            case INT32 -> "int";
            default -> throw new IllegalStateException(b + ": no C type for " + b.dtype(null));
        };
    }

    public static KernelRole byEntry(String entry) {
        for (KernelRole r : values()) if (r.entry.equals(entry)) return r;
        throw new IllegalArgumentException("no kernel '" + entry + "'");
    }

    /** Builds a signature; buffers the plan lacks (optional biases, the counting kernels' buffers) are left out. */
    private static final class Sig {
        final MoeLayerSpec s;
        final KernelParams p;
        final List<KernelArg> args = new ArrayList<>();

        Sig(MoeLayerSpec s, KernelParams p) {
            this.s = s;
            this.p = p;
        }

        Sig in(BufferId... bs) {
            for (BufferId b : bs) if (b.presentIn(s, p)) args.add(new KernelArg.Buffer(b, false));
            return this;
        }

        Sig out(BufferId... bs) {
            for (BufferId b : bs) if (b.presentIn(s, p)) args.add(new KernelArg.Buffer(b, true));
            return this;
        }

        /** Buffers every plan has that this kernel reads ({@code in}) or writes ({@code out}) only where {@code needed}. */
        Sig inIf(boolean needed, BufferId... bs) {
            return needed ? in(bs) : this;
        }

        Sig outIf(boolean needed, BufferId... bs) {
            return needed ? out(bs) : this;
        }

        Sig outAs(BufferId b, String param) {
            args.add(new KernelArg.Buffer(b, true, param));
            return this;
        }

        Sig scalars(KernelArg.ScalarArg... sc) {
            for (KernelArg.ScalarArg a : sc) args.add(new KernelArg.Scalar(a));
            return this;
        }

        /** {@code sc} only where the layer needs it (the seed where its routing draws random numbers). */
        Sig scalarIf(boolean needed, KernelArg.ScalarArg sc) {
            return needed ? scalars(sc) : this;
        }
    }
}
