package dev.moegen.codegen.params;

import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.util.Map;
import java.util.Optional;

/**
 * A source of tuned parameters (the autotuner's database): for a layer, a target and a token count, the values it
 * has measured best, and where they came from (e.g. "exact", "nearest bucket T=16"). {@link #NONE} until a database
 * is configured.
 */
public interface TunedParams {
    TunedParams NONE = (spec, target, tokens) -> Optional.empty();

    /** @param tokens the token count tuned for; 0 when the caller serves any */
    Optional<Hit> lookup(MoeLayerSpec spec, Target target, int tokens);

    record Hit(Map<Param, Object> values, String from) {}
}
