package dev.moegen.cli;

import dev.moegen.codegen.plan.KernelParams;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.codegen.plan.Target;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** --param KEY=VALUE: kernel parameters that replace the target's defaults (what a tuner or a user pins). */
final class ParamsOption {
    @Option(names = "--param", split = ",", mapFallbackValue = "", paramLabel = "KEY=VALUE",
            description = "kernel parameter over the target's default, repeatable: gemm=simt|mma|wgmma, block_m, block_n, block_k, warps_m, "
                    + "warps_n, stages, group_m, split_k, split_max_tokens, gate_wg, scan_wg, align_chunk")
    Map<String, String> overrides = new LinkedHashMap<>();

    KernelParams params(MoeLayerSpec s, Target target) {
        return KernelParams.heuristic(s, target).withOverrides(overrides);
    }

    /** The plan; {@link Lowering#lower} validates the spec before the parameters. */
    KernelPlan plan(MoeLayerSpec s, Target target) {
        return Lowering.lower(s, params(s, target));
    }
}
