package dev.moegen.cli;

import dev.moegen.codegen.params.Constraint;
import dev.moegen.codegen.params.Family;
import dev.moegen.codegen.params.Param;
import dev.moegen.codegen.params.ParameterSpace;
import dev.moegen.codegen.params.ResolvedParams;
import dev.moegen.codegen.platform.Dialects;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.io.TextTable;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.exec.DeviceSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "params", mixinStandardHelpOptions = true,
        description = "Print a layer's parameter space on a target (domains, constraints, size before and after pruning per kernel family) and the parameters that would be used, with where each value comes from.")
final class ParamsCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;
    @Mixin LayerSource layer;
    @Option(names = "--backend", defaultValue = "opencl",
            description = "opencl or cuda: the backend's ahead-of-time target; `device` reads the limits of the best available device (default: ${DEFAULT-VALUE})")
    String backend;
    @Option(names = "--arch", description = "architecture (cuda: sm_80, sm_90a, ...)") String arch;
    @Option(names = "--tokens", defaultValue = "0", description = "token count the parameters are for (0: any)") int tokens;
    @Mixin ParamsOption params;

    @Override
    public Integer call() {
        if (tokens < 0) throw new IllegalArgumentException("--tokens = " + tokens + ": must be >= 0");
        MoeLayerSpec s = layer.resolve();
        Target target;
        String where;
        dev.moegen.runtime.exec.DeviceInfo device = null;
        if (backend.equalsIgnoreCase("device")) {
            try (DeviceSession d = Backends.open("auto")) {
                target = d.target();
                where = d.describe();
                device = d.device();
            }
        } else {
            var dialect = Dialects.parse(backend);
            target = arch == null ? dialect.aheadOfTime() : dialect.target(arch);
            where = "ahead of time";
        }
        var o = cmd.commandLine().getOut();
        o.printf("layer %s  dtype %s  E=%d top-%d H=%d I=%d%ntarget %s (%s): %s%n%n", s.name(), s.dtype().id(), s.experts(), s.topK(), s.hidden(),
                s.intermediate(), target.describe(), where, target.limits().describe());
        params.useDevice(device, target, o);
        ResolvedParams r = params.resolve(s, target, tokens);
        List<List<String>> rows = new ArrayList<>();
        for (Param p : Param.values())
            rows.add(List.of(p.family().id(), p.key(), p.domain().describe(), String.valueOf(p == Param.GEMM ? r.params().gemm().id() : r.params().get(p)),
                    r.source(p).id(), p.doc()));
        o.println(TextTable.render(List.of("family", "parameter", "domain", "value", "source", "meaning"), rows));
        if (!r.tunedFrom().isEmpty()) o.println("tuned entry: " + r.tunedFrom());
        ParameterSpace space = ParameterSpace.of(s, target);
        o.println();
        List<List<String>> cons = new ArrayList<>();
        for (Constraint c : space.constraints()) cons.add(List.of(c.family().id(), c.id(), c.rule()));
        o.println(TextTable.render(List.of("family", "constraint", "rule"), cons));
        o.println();
        List<List<String>> sizes = new ArrayList<>();
        for (Family f : Family.values()) {
            var size = space.size(f, r.params());
            sizes.add(List.of(f.id(), "" + size.points(), "" + size.feasible(), String.format("%.1f%%", 100.0 * size.feasible() / Math.max(1, size.points()))));
        }
        o.println(TextTable.render(List.of("family", "points", "feasible", "kept"), sizes));
        o.println("(GroupGEMM points: each main loop's active parameters over their searched values; the other families held at the values above)");
        return 0;
    }
}
