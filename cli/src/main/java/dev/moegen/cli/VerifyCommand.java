package dev.moegen.cli;

import dev.moegen.codegen.params.ResolvedParams;
import dev.moegen.codegen.plan.BufferId;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.dsl.io.TextTable;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.types.DType;
import dev.moegen.harness.check.CheckRow;
import dev.moegen.harness.check.LayerChecks;
import dev.moegen.dsl.io.OutputFolder;
import dev.moegen.harness.budget.MemoryBudget;
import dev.moegen.harness.dump.DumpInputs;
import dev.moegen.harness.dump.Dumps;
import dev.moegen.runtime.exec.DeviceSession;
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
    @Option(names = "--dump", description = "write inputs, reference and kernel outputs per token count to DIR/T<n> (DIR new or empty; an earlier moegen output only with --force)") Path dump;
    @Option(names = "--force", description = "replace an earlier moegen output at --dump (never a folder moegen did not write)") boolean force;
    @Option(names = "--inputs", description = "read x and weights from a dump folder (.npy + meta.json) instead of random ones") Path inputs;

    @Override
    public Integer call() throws Exception {
        MoeLayerSpec s = layer.resolve();
        if (dump != null) OutputFolder.check(dump, force, "--dump");
        long sd = seed != null ? seed : System.nanoTime();
        for (int t : tokens) if (t < 1) throw new IllegalArgumentException("--tokens: " + t + " must be >= 1");
        boolean asked = cmd.commandLine().getParseResult().hasMatchedOption("--tokens");
        if (inputs != null && asked && tokens.size() != 1)
            throw new IllegalArgumentException("--tokens " + tokens + ": with --inputs, give at most one token count (the dump's)");
        var o = cmd.commandLine().getOut();
        List<List<String>> rows = new ArrayList<>();
        java.util.Map<String, NpyBundle> dumps = new java.util.LinkedHashMap<>();
        boolean ok;
        try (DeviceSession ctx = backend.open()) {
            int maxT = inputs != null ? 1 : tokens.stream().mapToInt(Integer::intValue).max().orElseThrow();
            o.printf("layer %s  dtype %s  E=%d top-%d H=%d I=%d  seed %d%ndevice %s: %s%n", s.name(), s.dtype().id(), s.experts(), s.topK(),
                    s.hidden(), s.intermediate(), sd, ctx.backend(), ctx.describe());
            params.useDevice(ctx.device(), ctx.target(), o);
            ResolvedParams rp = params.resolve(s, ctx.target(), maxT);
            KernelPlan plan = Lowering.lower(s, ctx.target(), rp.params());
            o.flush();
            List<LayerInputs> cases = new ArrayList<>();
            if (inputs != null) cases.add(DumpInputs.read(s, inputs, asked ? tokens.get(0) : null, "--inputs"));
            else {
                // sizes first: a layer too large for this machine is an error with a --scale that fits, before any allocation
                MemoryBudget.checkHost(s, maxT, plan.params().blockM());
                MemoryBudget.checkDevice(plan, maxT, ctx.target().limits().globalMemBytes(), sc -> params.plan(s.scaled(sc), ctx.target()));
                LayerInputs w = LayerInputs.random(s, 1, sd);
                for (int t : tokens) cases.add(LayerInputs.random(s, t, sd + t).withWeightsOf(w));
            }
            // each token count with the parameters the tuned database gives its bucket; counts that share them share a plan
            ok = true;
            try (Progress bar = Progress.start("verify", cases.size())) {
              for (ParamsOption.PlanGroup g : params.groups(s, ctx.target(), cases.stream().map(LayerInputs::tokens).distinct().toList(), plan)) {
                KernelPlan gp = g.plan();
                o.println(g.header());
                o.flush();
                ok &= LayerChecks.run(ctx, gp, cases.stream().filter(c -> g.tokens().contains(c.tokens())).toList(), out -> {
                    // each token count's rows as soon as they are checked: an interrupted run keeps what it printed
                    LayerInputs in = out.inputs();
                    List<List<String>> mine = new ArrayList<>();
                    for (CheckRow r : out.rows())
                        mine.add(List.of("" + in.tokens(), r.kernel(), r.shape(), String.format("%.3e", r.maxAbsErr()), String.format("%.3e", r.relErr()),
                                r.tolerance(), r.pass() ? "PASS" : "FAIL", String.format("%.3f", r.millis()), r.detail()));
                    rows.addAll(mine);
                    o.println(TextTable.render(List.of("T", "kernel", "shape", "max|err|", "rel err", "tolerance", "result", "ms", "detail"), mine));
                    o.println("T=" + in.tokens() + " load (device): " + LoadLine.ofDevice(out.run(), s));
                    o.flush();
                    bar.step();
                    if (dump != null) dumps.put("T" + in.tokens(), dumpOf(s, in, out, sd, gp));
                });
              }
            }
        }
        long fails = rows.stream().filter(r -> r.get(6).equals("FAIL")).count();
        o.printf("%d checks, %d passed, %d failed%n", rows.size(), rows.size() - fails, fails);
        o.flush();
        if (dump != null) {
            OutputFolder.write(dump, force, "--dump", "verify-dump", tmp -> {
                for (var e : dumps.entrySet()) e.getValue().writeInto(tmp.resolve(e.getKey()));
            });
            o.println("wrote " + dump.toAbsolutePath());
        }
        return ok ? 0 : 1;
    }

    /** One token count's inputs, reference and kernel outputs, written with the others once the table is printed. */
    private static NpyBundle dumpOf(MoeLayerSpec s, LayerInputs in, dev.moegen.harness.check.LayerVerifier.Outcome out, long seed, KernelPlan plan) {
        NpyBundle bundle = Dumps.of(s, in, out.reference(), seed, plan.params().blockM());
        return bundle.put("kernel_y", NpyArray.of(DType.FP32, out.run().f(BufferId.Y), in.tokens(), s.hidden()))
                .put("kernel_topk_ids", NpyArray.ofInts(out.run().i(BufferId.TOPK_IDS), in.tokens(), s.slotsPerToken()))
                .put("kernel_logits", NpyArray.of(DType.FP32, out.run().f(BufferId.LOGITS), in.tokens(), plan.routerRows()));
    }
}
