package dev.moegen.codegen.params;

import dev.moegen.codegen.params.KernelParams.Gemm;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the parameters of a plan from a chain of sources: explicit overrides, then the tuned database, then the
 * heuristic. The main loop is chosen first, and the heuristic's values are those of that loop, so overriding
 * {@code gemm} alone gives a consistent point. The result is checked against the {@link ParameterSpace}.
 */
public final class ParamResolver {
    private ParamResolver() {}

    public static ResolvedParams resolve(MoeLayerSpec spec, Target target, Map<String, String> overrides, TunedParams tuned, int tokens) {
        Map<Param, Object> user = parse(overrides);
        Optional<TunedParams.Hit> hit = tuned.lookup(spec, target, tokens);
        Map<Param, Object> db = hit.map(TunedParams.Hit::values).orElse(Map.of());
        Map<Param, ParamSource> sources = new EnumMap<>(Param.class);
        Gemm gemm = (Gemm) pick(Param.GEMM, user, db, Heuristic.gemm(spec, target), sources);
        KernelParams heuristic = Heuristic.defaults(spec, target, gemm, tokens);
        KernelParams.Builder b = KernelParams.builder().gemm(gemm);
        for (Param p : Param.values()) if (p != Param.GEMM) b.set(p, pick(p, user, db, heuristic.get(p), sources));
        KernelParams params = ParameterSpace.of(spec, target).check(b.build());
        return new ResolvedParams(params, sources, hit.map(TunedParams.Hit::from).orElse(""));
    }

    private static Object pick(Param p, Map<Param, Object> user, Map<Param, Object> db, Object heuristic, Map<Param, ParamSource> sources) {
        if (user.containsKey(p)) {
            sources.put(p, ParamSource.OVERRIDE);
            return user.get(p);
        }
        if (db.containsKey(p)) {
            sources.put(p, ParamSource.TUNED);
            return db.get(p);
        }
        sources.put(p, ParamSource.HEURISTIC);
        return heuristic;
    }

    /** User-typed KEY=VALUE pairs; every bad key and value is named at once. */
    public static Map<Param, Object> parse(Map<String, String> overrides) {
        Map<Param, Object> m = new EnumMap<>(Param.class);
        List<String> bad = new ArrayList<>();
        for (var e : overrides.entrySet()) {
            try {
                Param p = Param.byKey(e.getKey());
                m.put(p, p.parse(e.getValue()));
            } catch (IllegalArgumentException x) {
                bad.add(x.getMessage());
            }
        }
        if (!bad.isEmpty()) throw new IllegalArgumentException("invalid kernel parameters: " + String.join("; ", bad));
        return m;
    }
}
