package dev.moegen.codegen.plan;

import dev.moegen.codegen.params.KernelParams;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.types.DType;
import java.util.function.Predicate;

/**
 * Every device buffer of a layer, defined once: its name (the kernels' parameter name and the weight name users
 * pass), dtype ({@code null} = the layer's activation dtype), role, size in words, and whether a layer has it.
 * Element counts are {@link KernelPlan#elements}; kernel signatures refer to these, never to strings.
 */
public enum BufferId {
    X("x", null, Role.INPUT, "T*H"),
    W_ROUTER("w_router", null, Role.WEIGHT, "R*H"),
    W13("w13", null, Role.WEIGHT, "E'*N1*H"),
    W2("w2", null, Role.WEIGHT, "E'*H*I"),
    B_ROUTER("b_router", DType.FP32, Role.WEIGHT, "E", s -> s.routing().routerBias()),
    E_SCORE_CORRECTION_BIAS("e_score_correction_bias", DType.FP32, Role.WEIGHT, "E", s -> s.routing().correctionBias()),
    B13("b13", DType.FP32, Role.WEIGHT, "E'*N1", MoeLayerSpec::expertBias),
    B2("b2", DType.FP32, Role.WEIGHT, "E'*H", MoeLayerSpec::expertBias),
    LOGITS("logits", DType.FP32, Role.OUTPUT, "T*R"),
    TOPK_IDS("topk_ids", DType.INT32, Role.OUTPUT, "T*S"),
    TOPK_WEIGHTS("topk_weights", DType.FP32, Role.OUTPUT, "T*S"),
    CHUNK_COUNTS("chunk_counts", DType.INT32, Role.SCRATCH, "ceil(T*S/ALIGN_CHUNK)*E' (×2 when the capacity holds per sequence)"),
    EXPERT_START("expert_start", DType.INT32, Role.SCRATCH, "E'"),
    EXPERT_KEPT("expert_kept", DType.INT32, Role.SCRATCH, "E'"),
    SORTED_TOKEN_IDS("sorted_token_ids", DType.INT32, Role.OUTPUT, "maxPadded"),
    EXPERT_IDS("expert_ids", DType.INT32, Role.OUTPUT, "maxPadded/BLOCK_M"),
    NUM_TOKENS_POST_PADDED("num_tokens_post_padded", DType.INT32, Role.OUTPUT, "1"),
    SLOT_POSITION("slot_position", DType.INT32, Role.OUTPUT, "T*S"),
    INTER("inter", null, Role.OUTPUT, "maxPadded*I"),
    EXPERT_OUT("expert_out", DType.FP32, Role.OUTPUT, "splits*maxPadded*H"),
    Y("y", null, Role.OUTPUT, "T*H"),
    TOKEN_LSE("token_lse", DType.FP32, Role.SCRATCH, "T"),
    EXPERT_LOAD("expert_load", DType.INT32, Role.OUTPUT, "E+1"),
    LOAD_STATS("load_stats", DType.FP32, Role.OUTPUT, "E+2"),
    UPDATED_BIAS("updated_bias", DType.FP32, Role.OUTPUT, "E", s -> s.routing().correctionBias()),
    /** Per token and GroupGEMM 2 column block: its tiles finished so far, when GroupGEMM 2 combines (fuse_combine). */
    COMBINE_COUNTERS("combine_counters", DType.INT32, Role.COUNTER, "T*ceil(H/BLOCK_N)"),
    /** GroupGEMM 1's raw sums per K slice (gate columns, then up), when it runs in slices (split_k1). */
    GEMM1_PARTIALS("gemm1_partials", DType.FP32, Role.SCRATCH, "split_k1*maxPadded*N1"),
    /** Per GroupGEMM 1 tile: its K slices finished so far (split_k1). */
    GEMM1_COUNTERS("gemm1_counters", DType.INT32, Role.COUNTER, "maxPadded/BLOCK_M*ceil(I/BLOCK_N)");

    /**
     * What a buffer is for: inputs and weights are uploaded; outputs are poisoned before a checked run and read back;
     * scratch is neither; counters are zeroed when allocated and before a checked run, and the kernels leave them zero.
     */
    public enum Role { INPUT, WEIGHT, OUTPUT, SCRATCH, COUNTER }

    private final String id;
    private final DType dtype;
    private final Role role;
    private final String size;
    private final Predicate<MoeLayerSpec> present;

    BufferId(String id, DType dtype, Role role, String size) {
        this(id, dtype, role, size, s -> true);
    }

    BufferId(String id, DType dtype, Role role, String size, Predicate<MoeLayerSpec> present) {
        this.id = id;
        this.dtype = dtype;
        this.role = role;
        this.size = size;
        this.present = present;
    }

    /** The kernels' parameter name, the .npy name and the weight name: "num_tokens_post_padded". */
    public String id() {
        return id;
    }

    public DType dtype(MoeLayerSpec s) {
        return dtype == null ? s.dtype() : dtype;
    }

    /** Whether this buffer holds the layer's activation dtype (act_t in the kernels). */
    public boolean activation() {
        return dtype == null;
    }

    public Role role() {
        return role;
    }

    /** The size formula in words, for plan.json. */
    public String size() {
        return size;
    }

    public boolean presentIn(MoeLayerSpec s) {
        return present.test(s);
    }

    /** Whether a plan of layer {@code s} with parameters {@code p} has this buffer: the counting kernels' buffers only with them. */
    public boolean presentIn(MoeLayerSpec s, KernelParams p) {
        return presentIn(s) && switch (this) {
            case COMBINE_COUNTERS -> p.fuseCombine();
            case GEMM1_PARTIALS, GEMM1_COUNTERS -> p.splitGemm1();
            default -> true;
        };
    }

    public static BufferId byId(String id) {
        for (BufferId b : values()) if (b.id.equals(id)) return b;
        throw new IllegalArgumentException("no buffer '" + id + "'");
    }
}
