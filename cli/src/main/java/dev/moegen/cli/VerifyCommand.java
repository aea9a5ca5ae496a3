package dev.moegen.cli;

import dev.moegen.cli.check.CheckRow;
import dev.moegen.cli.check.LayerVerifier;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.types.DType;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.exec.PlanLayer;
import dev.moegen.verify.npy.NpyArray;
import dev.moegen.verify.npy.NpyBundle;
import dev.moegen.verify.reference.LayerInputs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Generate, build and run every kernel of a layer, compare each with the reference, print a table; exit 1 on any failure.")
final class VerifyCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;
    @Mixin LayerSource layer;
    @Option(names = "--tokens", split = ",", defaultValue = "1,7,64", description = "token counts (default: ${DEFAULT-VALUE})") List<Integer> tokens;
    @Mixin BackendOption backend;
    @Mixin ParamsOption params;
    @Option(names = "--seed", description = "random seed (default: time-based, printed)") Long seed;
    @Option(names = "--dump", description = "write inputs, reference and kernel outputs per token count to DIR/T<n>") Path dump;
    @Option(names = "--inputs", description = "read x and weights from a dump folder (.npy + meta.json) instead of random ones") Path inputs;

    @Override
    public Integer call() throws Exception {
        MoeLayerSpec s = layer.resolve();
        long sd = seed != null ? seed : System.nanoTime();
        List<LayerInputs> cases = new ArrayList<>();
        if (inputs != null) cases.add(fromDump(s, NpyBundle.read(inputs)));
        else {
            for (int t : tokens) if (t < 1) throw new IllegalArgumentException("--tokens: " + t + " must be >= 1");
            LayerInputs w = LayerInputs.random(s, 1, sd);
            for (int t : tokens) cases.add(LayerInputs.random(s, t, sd + t).withWeightsOf(w));
        }
        var o = cmd.commandLine().getOut();
        int maxT = cases.stream().mapToInt(LayerInputs::tokens).max().orElseThrow();
        boolean ok = true;
        List<List<String>> rows = new ArrayList<>();
        try (DeviceSession ctx = backend.open()) {
            KernelPlan plan = params.plan(s, ctx.target());
            o.printf("layer %s  dtype %s  E=%d top-%d H=%d I=%d  seed %d%ndevice %s: %s%nparams %s%n", s.name(), s.dtype().id(), s.experts(), s.topK(),
                    s.hidden(), s.intermediate(), sd, ctx.backend(), ctx.describe(), plan.params().asMap());
            PlanLayer dev = new PlanLayer(ctx, plan, maxT);
            dev.setWeights(cases.get(0).weights());
            for (LayerInputs in : cases) {
                var out = LayerVerifier.verify(dev, in);
                for (CheckRow r : out.rows()) {
                    ok &= r.pass();
                    rows.add(List.of("" + in.tokens(), r.kernel(), r.shape(), String.format("%.3e", r.maxAbsErr()), String.format("%.3e", r.relErr()),
                            r.tolerance(), r.pass() ? "PASS" : "FAIL", String.format("%.3f", r.millis()), r.detail()));
                }
                if (dump != null) {
                    NpyBundle bundle = Dumps.of(s, in, out.reference(), sd, plan.params().blockM());
                    bundle.put("kernel_y", NpyArray.of(DType.FP32, out.run().f("y"), in.tokens(), s.hidden()))
                            .put("kernel_topk_ids", NpyArray.ofInts(out.run().i("topk_ids"), in.tokens(), s.slotsPerToken()))
                            .put("kernel_logits", NpyArray.of(DType.FP32, out.run().f("logits"), in.tokens(), plan.routerRows()));
                    bundle.write(dump.resolve("T" + in.tokens()));
                }
            }
        }
        o.println(Table.render(List.of("T", "kernel", "shape", "max|err|", "rel err", "tolerance", "result", "ms", "detail"), rows));
        long fails = rows.stream().filter(r -> r.get(6).equals("FAIL")).count();
        o.printf("%d checks, %d passed, %d failed%n", rows.size(), rows.size() - fails, fails);
        return ok ? 0 : 1;
    }

    /** x and the layer's weights from a dump folder, rounded to their graph dtype and checked against the graph's shapes. */
    private static LayerInputs fromDump(MoeLayerSpec s, NpyBundle b) {
        NpyArray x = b.get("x");
        if (x.shape().length != 2 || x.shape()[1] != s.hidden())
            throw new IllegalArgumentException("--inputs x.npy has shape " + java.util.Arrays.toString(x.shape()) + ", want [T, " + s.hidden() + "]");
        var graph = dev.moegen.dsl.graph.LayerGraph.of(s);
        java.util.Map<String, float[]> weights = new java.util.LinkedHashMap<>();
        for (String name : graph.inputs())
            if (!name.equals(LayerInputs.X) && b.arrays().containsKey(name)) weights.put(name, round(graph.tensor(name).dtype(), b.get(name).floats()));
        return LayerInputs.of(s, (int) x.shape()[0], round(s.dtype(), x.floats()), weights, "--inputs %s.npy");
    }

    private static float[] round(DType d, float[] v) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) r[i] = d.round(v[i]);
        return r;
    }
}
