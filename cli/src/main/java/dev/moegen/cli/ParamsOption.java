package dev.moegen.cli;

import dev.moegen.codegen.params.Param;
import dev.moegen.codegen.params.ParamResolver;
import dev.moegen.codegen.params.ResolvedParams;
import dev.moegen.codegen.params.TunedParams;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** --param KEY=VALUE: kernel parameters over the tuned database and the heuristic (what a user pins). */
final class ParamsOption {
    @Option(names = "--param", split = ",", mapFallbackValue = "", paramLabel = "KEY=VALUE",
            description = "kernel parameter over the tuned and heuristic defaults, repeatable; `moegen params` lists them with their domains")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** Overrides → tuned database (none configured yet) → heuristic, with each value's source. */
    ResolvedParams resolve(MoeLayerSpec s, Target target, int tokens) {
        return ParamResolver.resolve(s, target, overrides, TunedParams.NONE, tokens);
    }

    /** The plan; {@link Lowering#lower} validates the spec and checks the parameters against the target's space. */
    KernelPlan plan(MoeLayerSpec s, Target target) {
        return Lowering.lower(s, target, resolve(s, target, 0).params());
    }

    /** "gemm=wgmma (heuristic), block_m=64 (override), ...": what each command prints under its header. */
    static String describe(ResolvedParams r) {
        StringBuilder b = new StringBuilder();
        for (Param p : Param.values())
            b.append(b.isEmpty() ? "" : ", ").append(p.key()).append('=').append(p == Param.GEMM ? r.params().gemm().id() : r.params().get(p))
                    .append(r.source(p) == dev.moegen.codegen.params.ParamSource.HEURISTIC ? "" : " (" + r.source(p).id() + ")");
        return b.toString();
    }
}
