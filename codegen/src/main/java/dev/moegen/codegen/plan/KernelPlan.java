package dev.moegen.codegen.plan;

import dev.moegen.dsl.graph.LayerGraph;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.util.List;

/** A layer lowered to fused kernels: what the emitters render and the runtimes execute. */
public record KernelPlan(MoeLayerSpec spec, KernelParams params, List<PlannedKernel> kernels, List<PlannedBuffer> buffers) {
    public static final int LINEAR_GROUP = 64;

    public KernelPlan {
        kernels = List.copyOf(kernels);
        buffers = List.copyOf(buffers);
    }

    public PlannedBuffer buffer(String name) {
        return buffers.stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("plan has no buffer '" + name + "'"));
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
        long n = Math.addExact(assignments(tokens), (long) spec.totalExperts() * (bm - 1));
        return (n + bm - 1) / bm * bm;
    }

    public long chunks(long tokens) {
        return (assignments(tokens) + params.alignChunk() - 1) / params.alignChunk();
    }

    /** Capacity passed to the permutation kernels (int; "unlimited" when dropless). */
    public int capacity(long tokens) {
        return (int) Math.min(Integer.MAX_VALUE, spec.capacity(tokens));
    }

    /** Element count of a buffer for {@code tokens} tokens (64-bit; overflow throws). */
    public long elements(String buffer, long tokens) {
        MoeLayerSpec s = spec;
        long h = s.hidden(), i = s.intermediate(), e2 = s.totalExperts(), n1 = s.activation().gemm1Width(i);
        return switch (buffer) {
            case "x", "y" -> Math.multiplyExact(tokens, h);
            case "w_router" -> Math.multiplyExact((long) routerRows(), h);
            case "w13" -> Math.multiplyExact(Math.multiplyExact(e2, n1), h);
            case "w2" -> Math.multiplyExact(Math.multiplyExact(e2, h), i);
            case "b_router", "e_score_correction_bias" -> s.experts();
            case "b13" -> e2 * n1;
            case "b2" -> e2 * h;
            case "logits" -> Math.multiplyExact(tokens, routerRows());
            case "topk_ids", "topk_weights", "slot_position" -> assignments(tokens);
            case "sorted_token_ids" -> maxPadded(tokens);
            case "expert_ids" -> maxPadded(tokens) / params.blockM();
            case "num_tokens_post_padded" -> 1;
            case "inter" -> Math.multiplyExact(maxPadded(tokens), i);
            case "expert_out" -> Math.multiplyExact(Math.multiplyExact(maxPadded(tokens), h), params.splits(tokens));
            case "chunk_counts" -> Math.multiplyExact(Math.max(1, chunks(tokens)), e2);
            case "expert_start", "expert_kept" -> e2;
            default -> throw new IllegalArgumentException("plan has no buffer '" + buffer + "'");
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
    public long capacityElements(String buffer, long maxTokens) {
        long n = elements(buffer, maxTokens);
        long decode = Math.min(maxTokens, params.splitMaxTokens());
        return decode >= 1 ? Math.max(n, elements(buffer, decode)) : n;
    }

    public Launch launch(PlannedKernel k, long tokens) {
        KernelParams p = params;
        return switch (k.geometry()) {
            case TOKEN_ROUTER_ROWS -> linear(Math.multiplyExact(tokens, routerRows()));
            case TOKEN_GROUPS -> new Launch(new long[] {Math.multiplyExact(tokens, p.gateWg())}, new long[] {p.gateWg()});
            case ALIGN_CHUNKS -> linear(chunks(tokens));
            case SINGLE_GROUP -> new Launch(new long[] {p.scanWg()}, new long[] {p.scanWg()});
            case GEMM1_TILES -> tiles(spec.intermediate(), tokens, 1, spec.activation().gated());
            case GEMM2_TILES -> tiles(spec.hidden(), tokens, params.splits(tokens), false);
            case TOKEN_HIDDEN -> linear(Math.multiplyExact(tokens, spec.hidden() / combineVector()));
        };
    }

    private Launch tiles(long n, long tokens, int splits, boolean gated) {
        long bn = params.blockN(), bm = params.blockM();
        if (!params.gemm().tensorCores())
            return new Launch(new long[] {(n + bn - 1) / bn * bn, maxPadded(tokens), splits}, new long[] {bn, bm, 1});
        long tiles = Math.multiplyExact((n + bn - 1) / bn, maxPadded(tokens) / bm), threads = params.gemmThreads();
        return new Launch(new long[] {Math.multiplyExact(tiles, threads), 1, splits}, new long[] {threads, 1, 1}, params.sharedBytes(gated));
    }

    private static Launch linear(long n) {
        long g = Math.max(LINEAR_GROUP, (n + LINEAR_GROUP - 1) / LINEAR_GROUP * LINEAR_GROUP);
        return new Launch(new long[] {g}, new long[] {LINEAR_GROUP});
    }
}
