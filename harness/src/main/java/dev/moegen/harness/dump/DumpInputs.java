package dev.moegen.harness.dump;

import dev.moegen.dsl.graph.LayerGraph;
import dev.moegen.dsl.graph.OpGraph;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import dev.moegen.dsl.types.DType;
import dev.moegen.verify.npy.NpyArray;
import dev.moegen.verify.npy.NpyBundle;
import dev.moegen.verify.reference.LayerInputs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * x and a layer's weights from a dump folder ({@code verify --inputs}), checked against the layer before anything
 * runs: every array's shape and dtype against its op-graph tensor (a transposed w13 has the right element count
 * and the wrong shape), the spec recorded in meta.json against the layer named on the command line, and the token
 * count against one asked for. Every problem is listed at once.
 */
public final class DumpInputs {
    private DumpInputs() {}

    /**
     * @param tokens the token count the caller asked for, or null when it did not ask (the dump's count is used)
     */
    public static LayerInputs read(MoeLayerSpec s, Path dir, Integer tokens, String option) throws IOException {
        NpyBundle b = NpyBundle.read(dir);
        List<String> p = new ArrayList<>();
        var recorded = b.meta().get("spec");
        if (recorded != null) {
            MoeLayerSpec dumped = SpecFiles.mapper(SpecFormat.JSON).treeToValue(recorded, MoeLayerSpec.class);
            if (!dumped.equals(s))
                p.add("meta.json records layer '" + dumped.name() + "' (E=" + dumped.experts() + ", H=" + dumped.hidden() + ", I=" + dumped.intermediate()
                        + ", " + dumped.dtype().id() + "), not the layer asked for, '" + s.name() + "' (E=" + s.experts() + ", H=" + s.hidden() + ", I="
                        + s.intermediate() + ", " + s.dtype().id() + ")");
        }
        if (!b.arrays().containsKey(LayerInputs.X)) throw new IllegalArgumentException(option + " " + dir + ": has no x.npy");
        long[] xs = b.get(LayerInputs.X).shape();
        if (xs.length != 2 || xs[0] < 1 || xs[0] > Integer.MAX_VALUE) {
            p.add("x.npy has shape " + Arrays.toString(xs) + ", want [T, " + s.hidden() + "]");
            throw problems(option, dir, p);
        }
        int t = (int) xs[0];
        if (tokens != null && tokens != t) p.add("--tokens " + tokens + " conflicts with the dump's " + t + " tokens (x.npy is " + Arrays.toString(xs) + ")");
        OpGraph graph = LayerGraph.of(s);
        Map<String, float[]> weights = new LinkedHashMap<>();
        float[] x = null;
        for (String name : graph.inputs()) {
            if (!b.arrays().containsKey(name)) {
                p.add(name + ".npy is missing");
                continue;
            }
            NpyArray a = b.get(name);
            long[] want = graph.tensor(name).shape().resolve(t);
            DType dtype = graph.tensor(name).dtype();
            if (!Arrays.equals(a.shape(), want)) p.add(name + ".npy has shape " + Arrays.toString(a.shape()) + ", the layer needs " + Arrays.toString(want));
            else if (a.dtype() != dtype && a.dtype() != DType.FP32) // fp32 arrays (what NumPy writes) are rounded to the layer's dtype
                p.add(name + ".npy holds " + a.dtype().id() + ", the layer needs " + dtype.id() + " (or fp32, rounded)");
            else if (name.equals(LayerInputs.X)) x = round(dtype, a.floats());
            else weights.put(name, round(dtype, a.floats()));
        }
        if (!p.isEmpty()) throw problems(option, dir, p);
        var noise = b.meta().get("noise_seed"); // the gating's random stream of the dumped run (0 for dumps of other tools)
        return LayerInputs.of(s, t, x, weights, option + " %s.npy").withNoiseSeed(noise != null && noise.canConvertToInt() ? noise.intValue() : 0);
    }

    private static IllegalArgumentException problems(String option, Path dir, List<String> p) {
        return new IllegalArgumentException(option + " " + dir + ":\n  - " + String.join("\n  - ", p));
    }

    private static float[] round(DType d, float[] v) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) r[i] = d.round(v[i]);
        return r;
    }
}
