package dev.moegen.cli;

import dev.moegen.codegen.params.Family;
import dev.moegen.codegen.params.KernelParams;
import dev.moegen.codegen.params.Param;
import dev.moegen.codegen.params.ParamResolver;
import dev.moegen.codegen.params.ParamSource;
import dev.moegen.codegen.params.ResolvedParams;
import dev.moegen.codegen.params.TunedParams;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.runtime.exec.DeviceInfo;
import dev.moegen.tune.db.DeviceKey;
import dev.moegen.tune.db.TuneDb;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * --param KEY=VALUE over the tuned database (--db) over the heuristic: what every command that builds a plan takes.
 * {@link #useDevice} opens the database for the device at hand and prints its warnings (stale, corrupt files).
 */
final class ParamsOption {
    @Option(names = "--param", split = ",", mapFallbackValue = "", paramLabel = "KEY=VALUE",
            description = "kernel parameter over the tuned and heuristic defaults, repeatable; `moegen params` lists them with their domains")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--db", paramLabel = "DIR",
            description = "tuned database folder, the only one read (default: $MOEGEN_DB or ~/.moegen/tuned, then the database shipped with moegen)")
    Path db;

    private TunedParams tuned = TunedParams.NONE;

    /** Tuned parameters for {@code device} (null: none known, only same-architecture entries of {@code target} can serve). */
    void useDevice(DeviceInfo device, Target target, PrintWriter out) {
        TuneDb d = TuneDb.named(db);
        for (String w : d.warnings()) out.println("warning: tuned database: " + w);
        DeviceKey key = device != null ? DeviceKey.of(device) : new DeviceKey(target.backend().id(), "", "", target.arch());
        tuned = d.forDevice(key, Family.GROUP_GEMM.id());
    }

    /** Overrides → tuned database → heuristic, with each value's source. */
    ResolvedParams resolve(MoeLayerSpec s, Target target, int tokens) {
        return ParamResolver.resolve(s, target, overrides, tuned, tokens);
    }

    /** The plan; {@link Lowering#lower} validates the spec and checks the parameters against the target's space. */
    KernelPlan plan(MoeLayerSpec s, Target target) {
        return Lowering.lower(s, target, resolve(s, target, 0).params());
    }

    /** "gemm=wgmma, block_m=64 (override), ...": what each command prints under its header; a source is named where it is not the heuristic and the loop reads the value. */
    static String describe(ResolvedParams r) {
        StringBuilder b = new StringBuilder();
        for (Param p : Param.values())
            b.append(b.isEmpty() ? "" : ", ").append(p.key()).append('=').append(p == Param.GEMM ? r.params().gemm().id() : r.params().get(p))
                    .append(r.source(p) == ParamSource.HEURISTIC || !p.activeFor(r.params().gemm()) ? "" : " (" + r.source(p).id() + ")");
        return b.toString();
    }

    /** Where the GroupGEMM's values came from, in one line: the tuned entry (and its chain level), or the heuristic. */
    static String tunedLine(ResolvedParams r) {
        return r.tunedFrom().isEmpty() ? "tuned: none for this device and shape (heuristic and overrides)" : "tuned: " + r.tunedFrom();
    }

    /** Token counts that resolve to the same parameters, with the parameters of the first of them and their plan. */
    record PlanGroup(ResolvedParams params, KernelPlan plan, List<Integer> tokens) {
        /** "params (T=1,7) gemm=tiled (tuned), ..." and the `tuned:` line. */
        String header() {
            return "params (T=" + String.join(",", tokens.stream().map(String::valueOf).toList()) + ") " + describe(params) + "\n" + tunedLine(params);
        }
    }

    /**
     * The token counts grouped by the parameters they resolve to (a tuned database may give each bucket its own), in
     * first-seen order, each group lowered once; {@code known} is reused where its parameters match.
     */
    List<PlanGroup> groups(MoeLayerSpec s, Target target, List<Integer> tokens, KernelPlan known) {
        Map<KernelParams, PlanGroup> m = new LinkedHashMap<>();
        for (int t : tokens) {
            ResolvedParams r = resolve(s, target, t);
            m.computeIfAbsent(r.params(), k -> new PlanGroup(r, k.equals(known.params()) ? known : Lowering.lower(s, target, k), new ArrayList<>())).tokens().add(t);
        }
        return List.copyOf(m.values());
    }
}
