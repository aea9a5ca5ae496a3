package dev.moegen.codegen.params;

import java.util.Optional;
import java.util.function.Function;

/**
 * One feasibility rule of a parameter space, as data: an id, the family it constrains, the rule in words (with the
 * formula and the limit it reads), and a check that returns why a point breaks it (empty when it holds or does not
 * apply, e.g. a tensor-core rule for the SIMT loop).
 */
public record Constraint(String id, Family family, String rule, Function<KernelParams, Optional<String>> check) {
    public Optional<String> violation(KernelParams p) {
        return check.apply(p);
    }
}
