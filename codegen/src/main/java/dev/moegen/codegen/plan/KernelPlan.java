package dev.moegen.codegen.plan;

import dev.moegen.codegen.params.KernelParams;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.graph.LayerGraph;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.util.List;

/** A layer lowered to fused kernels for a target: what the emitters render and the runtimes execute. */
public record KernelPlan(MoeLayerSpec spec, Target target, KernelParams params, List<PlannedKernel> kernels, List<PlannedBuffer> buffers) {
    public static final int LINEAR_GROUP = 64;

    public KernelPlan {
        kernels = List.copyOf(kernels);
        buffers = List.copyOf(buffers);
    }

    /**
     * How a weight lies on the device where that differs from the user's [out][in] rows: under the tiled loop each
     * expert's w13 ([N1][H]) and w2 ([H][I]) are k-major, so the outer-product tile loads VW output columns with one
     * load; rows longer than 1 KiB are cut into panels of 16–64 output columns ({@link Transpose#panelFor}), so a
     * work-item's loads do not step across pages; w13's panels divide I, so the up half starts a panel.
     * Layouts follow the spec alone: every tiled plan of a layer shares them. The runtime lays the weights out so when
     * it uploads them. Empty: as given.
     */
    public java.util.Optional<Transpose> transpose(BufferId id) {
        if (params.gemm() != KernelParams.Gemm.TILED) return java.util.Optional.empty();
        int h = spec.hidden(), i = spec.intermediate(), n1 = Math.toIntExact(spec.activation().gemm1Width(i));
        return switch (id) {
            case W13 -> java.util.Optional.of(new Transpose(spec.totalExperts(), n1, h, Transpose.panelFor(n1, i, spec.dtype().bytes())));
            case W2 -> java.util.Optional.of(new Transpose(spec.totalExperts(), h, i, Transpose.panelFor(h, h, spec.dtype().bytes())));
            default -> java.util.Optional.empty();
        };
    }

    /**
     * The TMA view of a weight the warp-specialised wgmma loop loads its tiles through: all experts' rows of w13
     * ([E'·N1][H]) or w2 ([E'·H][I]), boxes of block_n rows × one 128-byte swizzled column block (64 16-bit elements).
     * Empty for other loops.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public java.util.Optional<TensorMapSpec> tensorMap(BufferId id) {
        if (!params.producer()) return java.util.Optional.empty();
        long h = spec.hidden(), i = spec.intermediate(), e = spec.totalExperts(), n1 = spec.activation().gemm1Width(i);
        int bytes = spec.dtype().bytes();
        return switch (id) {
            case W13 -> java.util.Optional.of(new TensorMapSpec(id, e * n1, h, params.blockN(), 64, bytes));
            case W2 -> java.util.Optional.of(new TensorMapSpec(id, e * h, i, params.blockN(), 64, bytes));
            default -> java.util.Optional.empty();
        };
    }

    /** Each weight's device layout by name, for plan.json: "k-major, panels of P" where {@link #transpose} lays it out, else "as given". */
    @com.fasterxml.jackson.annotation.JsonProperty("weight_layout")
    public java.util.Map<String, String> weightLayout() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (PlannedBuffer b : buffers)
            if (b.role() == BufferId.Role.WEIGHT)
                m.put(b.name(), transpose(b.id()).map(t -> "k-major, panels of " + t.panel() + " outputs").orElse("as given"));
        return m;
    }

    public PlannedBuffer buffer(BufferId id) {
        return buffers.stream().filter(b -> b.id() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("plan has no buffer '" + id.id() + "'"));
    }

    /**
     * The kernels a forward of {@code tokens} tokens launches, in order: the fused align kernel when one work-group
     * has a work-item for every chunk of assignments (one launch instead of three: what decode pays per command),
     * else the count / scan / scatter kernels, which spread the chunks over the device.
     */
    public List<PlannedKernel> kernelsFor(long tokens) {
        return kernelsFor(tokens, false);
    }

    /** As {@link #kernelsFor(long)}, with the load-statistics kernel last when {@code stats}. */
    public List<PlannedKernel> kernelsFor(long tokens, boolean stats) {
        boolean fused = chunks(tokens) <= params.scanWg();
        List<PlannedKernel> ks = new java.util.ArrayList<>(kernels.stream().filter(k -> switch (k.role()) {
            case ALIGN_COUNT, ALIGN_SCAN, ALIGN_SCATTER -> !fused;
            case ALIGN_FUSED -> fused;
            case LOAD_STATS -> false;
            case COMBINE -> !params.fuseCombine(); // GroupGEMM 2 combines
            default -> true;
        }).toList());
        if (stats) kernels.stream().filter(k -> k.role() == KernelRole.LOAD_STATS).forEach(ks::add);
        return List.copyOf(ks);
    }

    public PlannedKernel kernel(KernelRole role) {
        return kernels.stream().filter(k -> k.role() == role).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("plan has no kernel " + role.entry()));
    }

    public int routerRows() {
        return LayerGraph.routerRows(spec);
    }

    public long assignments(long tokens) {
        return Math.multiplyExact(tokens, spec.slotsPerToken());
    }

    /** Rows of the sorted arrays for any routing: every expert may end with a partial block. */
    public long maxPadded(long tokens) {
        int bm = params.blockM();
        long n = Math.addExact(spec.computedAssignments(tokens), (long) spec.totalExperts() * (bm - 1));
        return (n + bm - 1) / bm * bm;
    }

    public long chunks(long tokens) {
        return (assignments(tokens) + params.alignChunk() - 1) / params.alignChunk();
    }

    /** Tokens each expert takes under expert choice (the expert-choice kernel's {@code chosen}). */
    public int chosen(long tokens) {
        return (int) Math.min(Integer.MAX_VALUE, spec.expertChoiceTokens(tokens));
    }

    /** Capacity passed to the permutation kernels (int; "unlimited" when dropless). */
    public int capacity(long tokens) {
        return (int) Math.min(Integer.MAX_VALUE, spec.capacity(tokens));
    }

    /** Element count of a buffer for {@code tokens} tokens (64-bit; overflow throws). */
    public long elements(BufferId buffer, long tokens) {
        MoeLayerSpec s = spec;
        long h = s.hidden(), i = s.intermediate(), e2 = s.totalExperts(), n1 = s.activation().gemm1Width(i);
        return switch (buffer) {
            case X, Y -> Math.multiplyExact(tokens, h);
            case W_ROUTER -> Math.multiplyExact((long) routerRows(), h);
            case W13 -> Math.multiplyExact(Math.multiplyExact(e2, n1), h);
            case W2 -> Math.multiplyExact(Math.multiplyExact(e2, h), i);
            case B_ROUTER, E_SCORE_CORRECTION_BIAS -> s.experts();
            case B13 -> e2 * n1;
            case B2 -> e2 * h;
            case LOGITS -> Math.multiplyExact(tokens, routerRows());
            case TOPK_IDS, TOPK_WEIGHTS, SLOT_POSITION -> assignments(tokens);
            case SORTED_TOKEN_IDS -> maxPadded(tokens);
            case EXPERT_IDS -> maxPadded(tokens) / params.blockM();
            case NUM_TOKENS_POST_PADDED -> 1;
            case INTER -> Math.multiplyExact(maxPadded(tokens), i);
            case EXPERT_OUT -> Math.multiplyExact(Math.multiplyExact(maxPadded(tokens), h), params.splits(tokens));
            case CHUNK_COUNTS -> Math.multiplyExact(Math.max(1, chunks(tokens)), e2 * (spec.perSequence() ? 2 : 1)); // + each chunk's kept ends
            case EXPERT_START, EXPERT_KEPT -> e2;
            case TOKEN_LSE -> Math.max(1, tokens);
            case EXPERT_LOAD -> s.experts() + 1;
            case LOAD_STATS -> s.experts() + 2;
            case UPDATED_BIAS -> s.experts();
            case COMBINE_COUNTERS -> Math.multiplyExact(Math.max(1, tokens), (h + params.blockN() - 1) / params.blockN());
            case GEMM1_PARTIALS -> Math.multiplyExact(Math.multiplyExact(maxPadded(tokens), n1), params.splits1(tokens));
            case GEMM1_COUNTERS -> Math.multiplyExact(maxPadded(tokens) / params.blockM(), (i + params.blockN() - 1) / params.blockN());
        };
    }

    /** Logits per gating load: 4 (16 bytes) when every token's row starts 16-byte aligned and E is a multiple of 4. */
    public int logitsVector() {
        return routerRows() % 4 == 0 && spec.experts() % 4 == 0 ? 4 : 1;
    }

    /** Hidden columns per combine work-item: 4 (16-byte loads) when rows allow it. */
    public int combineVector() {
        return spec.hidden() % 4 == 0 ? 4 : 1;
    }

    /** Elements to allocate so every T ≤ {@code maxTokens} fits (split-K makes expert_out larger for small T). */
    public long capacityElements(BufferId buffer, long maxTokens) {
        long n = elements(buffer, maxTokens);
        long decode = Math.min(maxTokens, params.splitMaxTokens());
        return decode >= 1 ? Math.max(n, elements(buffer, decode)) : n;
    }

    public Launch launch(PlannedKernel k, long tokens) {
        KernelParams p = params;
        return switch (k.geometry()) {
            case TOKEN_ROUTER_ROWS -> p.gemm() == KernelParams.Gemm.TILED
                    ? linear(Math.multiplyExact((tokens + p.mwi() - 1) / p.mwi(), (routerRows() + p.nwi() - 1) / p.nwi()))
                    : linear(Math.multiplyExact(tokens, routerRows()));
            case TOKEN_GROUPS -> new Launch(new long[] {Math.multiplyExact(tokens, p.gateWg())}, new long[] {p.gateWg()});
            case ALIGN_CHUNKS -> linear(chunks(tokens));
            case SINGLE_GROUP -> new Launch(new long[] {p.scanWg()}, new long[] {p.scanWg()});
            case EXPERT_GROUPS -> new Launch(new long[] {(long) spec.experts() * p.scanWg()}, new long[] {p.scanWg()});
            case GEMM1_TILES -> tiles(spec.intermediate(), tokens, params.splits1(tokens), spec.activation().gated(), false);
            case GEMM2_TILES -> tiles(spec.hidden(), tokens, params.splits(tokens), false, true);
            case TOKEN_HIDDEN -> linear(Math.multiplyExact(tokens, spec.hidden() / combineVector()));
        };
    }

    private Launch tiles(long n, long tokens, int splits, boolean gated, boolean gemm2) {
        long bn = params.blockN(), bm = params.blockM();
        if (params.gemm() == KernelParams.Gemm.TILED) { // GroupGEMM 2 has its own register tile
            KernelParams.Tile t = params.tile(gemm2);
            long wn = t.blockN() / t.columns(params.vw()), wm = bm / t.mwi();
            return new Launch(new long[] {(n + t.blockN() - 1) / t.blockN() * wn, maxPadded(tokens) / t.mwi(), splits}, new long[] {wn, wm, 1});
        }
        if (!params.gemm().tensorCores())
            return new Launch(new long[] {(n + bn - 1) / bn * bn, maxPadded(tokens), splits}, new long[] {bn, bm, 1});
        long tiles = Math.multiplyExact((n + bn - 1) / bn, maxPadded(tokens) / bm), threads = params.gemmThreads();
        int units = target.limits().computeUnits();
        if (params.producer() && units > 0) tiles = Math.min(tiles, units); // persistent: a block per multiprocessor walks the tiles
        return new Launch(new long[] {Math.multiplyExact(tiles, threads), 1, splits}, new long[] {threads, 1, 1}, params.sharedBytes(gated));
    }

    private static Launch linear(long n) {
        long g = Math.max(LINEAR_GROUP, (n + LINEAR_GROUP - 1) / LINEAR_GROUP * LINEAR_GROUP);
        return new Launch(new long[] {g}, new long[] {LINEAR_GROUP});
    }
}
