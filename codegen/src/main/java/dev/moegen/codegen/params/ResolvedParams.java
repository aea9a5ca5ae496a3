package dev.moegen.codegen.params;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parameters chosen for a plan, with where each value came from ({@code tunedFrom} says which database entry, if any). */
public record ResolvedParams(KernelParams params, Map<Param, ParamSource> sources, String tunedFrom) {
    public ResolvedParams {
        sources = Map.copyOf(sources);
    }

    /** Parameters set in code (tests, a launcher): every value an override. */
    public static ResolvedParams fixed(KernelParams p) {
        Map<Param, ParamSource> s = new LinkedHashMap<>();
        for (Param q : Param.values()) s.put(q, ParamSource.OVERRIDE);
        return new ResolvedParams(p, s, "");
    }

    public ParamSource source(Param p) {
        return sources.get(p);
    }

    /** "block_m" → "heuristic", in parameter order: what reports and manifests print. */
    public Map<String, String> sourcesByKey() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Param p : Param.values()) m.put(p.key(), sources.get(p).id());
        return m;
    }
}
