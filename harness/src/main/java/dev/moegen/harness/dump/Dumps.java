package dev.moegen.harness.dump;

import dev.moegen.codegen.plan.BufferId;
import dev.moegen.dsl.graph.LayerGraph;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.types.TensorSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import dev.moegen.dsl.types.DType;
import dev.moegen.verify.npy.NpyArray;
import dev.moegen.verify.npy.NpyBundle;
import dev.moegen.verify.reference.LayerInputs;
import dev.moegen.verify.reference.LayerResult;

/** A layer run as .npy files: what `reference --dump` and `verify --dump` write and `--inputs` reads. */
public final class Dumps {
    private Dumps() {}

    public static NpyBundle of(MoeLayerSpec s, LayerInputs in, LayerResult r, long seed, int blockM) {
        int t = in.tokens(), h = s.hidden(), slots = s.slotsPerToken();
        var graph = LayerGraph.of(s);
        NpyBundle b = new NpyBundle();
        Map<String, float[]> arrays = new LinkedHashMap<>(Map.of(LayerInputs.X, in.x()));
        arrays.putAll(in.weights());
        for (var e : arrays.entrySet()) {
            TensorSpec ts = graph.tensor(e.getKey());
            b.put(e.getKey(), NpyArray.of(ts.dtype(), e.getValue(), ts.shape().resolve(t)));
        }
        if (r != null) {
            b.put(BufferId.LOGITS.id(), NpyArray.of(DType.FP32, toFloat(r.logits()), t, r.logits().length / t))
                    .put(BufferId.TOPK_IDS.id(), NpyArray.ofInts(r.routing().ids(), t, slots))
                    .put(BufferId.TOPK_WEIGHTS.id(), NpyArray.of(DType.FP32, toFloat(r.routing().weights()), t, slots))
                    .put(BufferId.SORTED_TOKEN_IDS.id(), NpyArray.ofInts(r.alignment().sortedTokenIds(), r.alignment().sortedTokenIds().length))
                    .put(BufferId.EXPERT_IDS.id(), NpyArray.ofInts(r.alignment().expertIds(), r.alignment().expertIds().length))
                    .put(BufferId.NUM_TOKENS_POST_PADDED.id(), NpyArray.ofInts(new int[] {r.alignment().numTokensPostPadded()}, 1))
                    .put(BufferId.Y.id(), NpyArray.of(DType.FP32, toFloat(r.y()), t, h));
        }
        b.meta().put("seed", seed).put("noise_seed", in.noiseSeed()).put("tokens", t).put("block_m", blockM);
        b.meta().set("spec", SpecFiles.mapper(SpecFormat.JSON).valueToTree(s));
        return b;
    }

    public static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int k = 0; k < d.length; k++) f[k] = (float) d[k];
        return f;
    }
}
