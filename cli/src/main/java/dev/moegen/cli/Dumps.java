package dev.moegen.cli;

import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import dev.moegen.dsl.types.DType;
import dev.moegen.verify.npy.NpyArray;
import dev.moegen.verify.npy.NpyBundle;
import dev.moegen.verify.reference.LayerInputs;
import dev.moegen.verify.reference.LayerResult;

/** A layer run as .npy files: what `reference --dump` and `verify --dump` write and `--inputs` reads. */
final class Dumps {
    private Dumps() {}

    static NpyBundle of(MoeLayerSpec s, LayerInputs in, LayerResult r, long seed, int blockM) throws Exception {
        DType d = s.dtype();
        int t = in.tokens(), h = s.hidden(), e2 = s.totalExperts(), n1 = in.n1(), i = s.intermediate(), slots = s.slotsPerToken();
        NpyBundle b = new NpyBundle()
                .put("x", NpyArray.of(d, in.x(), t, h))
                .put("w_router", NpyArray.of(d, in.wRouter(), in.wRouter().length / h, h))
                .put("w13", NpyArray.of(d, in.w13(), e2, n1, h))
                .put("w2", NpyArray.of(d, in.w2(), e2, h, i));
        if (in.bRouter() != null) b.put("b_router", NpyArray.of(DType.FP32, in.bRouter(), s.experts()));
        if (in.correctionBias() != null) b.put("e_score_correction_bias", NpyArray.of(DType.FP32, in.correctionBias(), s.experts()));
        if (in.b13() != null) b.put("b13", NpyArray.of(DType.FP32, in.b13(), e2, n1));
        if (in.b2() != null) b.put("b2", NpyArray.of(DType.FP32, in.b2(), e2, h));
        if (r != null) {
            b.put("logits", NpyArray.of(DType.FP32, toFloat(r.logits()), t, r.logits().length / t))
                    .put("topk_ids", NpyArray.ofInts(r.routing().ids(), t, slots))
                    .put("topk_weights", NpyArray.of(DType.FP32, toFloat(r.routing().weights()), t, slots))
                    .put("sorted_token_ids", NpyArray.ofInts(r.alignment().sortedTokenIds(), r.alignment().sortedTokenIds().length))
                    .put("expert_ids", NpyArray.ofInts(r.alignment().expertIds(), r.alignment().expertIds().length))
                    .put("num_tokens_post_padded", NpyArray.ofInts(new int[] {r.alignment().numTokensPostPadded()}, 1))
                    .put("y", NpyArray.of(DType.FP32, toFloat(r.y()), t, h));
        }
        b.meta().put("seed", seed).put("tokens", t).put("block_m", blockM);
        b.meta().set("spec", SpecFiles.mapper(SpecFormat.JSON).valueToTree(s));
        return b;
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int k = 0; k < d.length; k++) f[k] = (float) d[k];
        return f;
    }
}
