package dev.moegen.codegen.params;

import dev.moegen.codegen.params.KernelParams.Gemm;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The parameters of one layer on one target as a space a search can walk: every parameter's {@link Domain} and
 * every {@link Constraint} (divisibility, threads, local/shared memory by formula, registers × threads against the
 * device's limit), per kernel family. {@link #violations} names every reason a point is infeasible.
 */
public final class ParameterSpace {
    private final MoeLayerSpec spec;
    private final Target target;
    private final List<Constraint> constraints;

    private ParameterSpace(MoeLayerSpec spec, Target target) {
        this.spec = spec;
        this.target = target;
        this.constraints = Constraints.of(spec, target);
    }

    public static ParameterSpace of(MoeLayerSpec spec, Target target) {
        return new ParameterSpace(spec, target);
    }

    public MoeLayerSpec spec() {
        return spec;
    }

    public Target target() {
        return target;
    }

    public List<Constraint> constraints() {
        return constraints;
    }

    public List<Constraint> constraints(Family f) {
        return constraints.stream().filter(c -> c.family() == f).toList();
    }

    /** Every reason {@code p} is infeasible here: domains first, then constraints; empty when it is feasible. */
    public List<String> violations(KernelParams p) {
        List<String> v = new ArrayList<>();
        for (Param q : Param.values()) {
            Object value = q == Param.GEMM ? p.gemm().id() : p.get(q);
            if (q.activeFor(p.gemm())) q.domain().violation(q.key(), value).ifPresent(v::add);
        }
        for (Constraint c : constraints) c.violation(p).ifPresent(v::add);
        return v;
    }

    /** {@code p} when feasible; else an error listing every violation. */
    public KernelParams check(KernelParams p) {
        List<String> v = violations(p);
        if (!v.isEmpty()) throw new IllegalArgumentException("invalid kernel parameters: " + String.join("; ", v));
        return p;
    }

    /** One enumerated point and why it is infeasible (empty when feasible). */
    public record Point(KernelParams params, List<String> violations) {
        public boolean feasible() {
            return violations.isEmpty();
        }
    }

    /**
     * Visits every point of family {@code f}: the cartesian product of its parameters' search values, the other
     * families' parameters held at {@code base}. For the GroupGEMM family each main loop is a sub-space whose
     * inactive parameters (warps, stages, GROUP_M for SIMT) stay at that loop's heuristic values, so no point repeats.
     */
    public void forEach(Family f, KernelParams base, Consumer<Point> visit) {
        List<Gemm> loops = f == Family.GROUP_GEMM ? List.of(Gemm.values()) : List.of(base.gemm());
        for (Gemm g : loops) {
            KernelParams.Builder b = f == Family.GROUP_GEMM ? Heuristic.defaults(spec, target, g).toBuilder() : base.toBuilder();
            for (Param p : Param.values()) if (p.family() != f) b.set(p, base.get(p));
            b.gemm(g);
            List<Param> free = Param.of(f).stream().filter(p -> p != Param.GEMM && p.activeFor(g)).toList();
            walk(free, 0, b, visit);
        }
    }

    private void walk(List<Param> free, int i, KernelParams.Builder b, Consumer<Point> visit) {
        if (i == free.size()) {
            KernelParams p = b.build();
            visit.accept(new Point(p, violations(p)));
            return;
        }
        Param p = free.get(i);
        for (Object v : p.domain().candidates()) {
            b.set(p, v);
            walk(free, i + 1, b, visit);
        }
    }

    /** Points of family {@code f} before and after pruning. */
    public record Size(long points, long feasible) {}

    public Size size(Family f, KernelParams base) {
        long[] n = new long[2];
        forEach(f, base, pt -> {
            n[0]++;
            if (pt.feasible()) n[1]++;
        });
        return new Size(n[0], n[1]);
    }

    /** The feasible points of family {@code f}, in enumeration order. */
    public List<KernelParams> feasible(Family f, KernelParams base) {
        List<KernelParams> out = new ArrayList<>();
        forEach(f, base, pt -> {
            if (pt.feasible()) out.add(pt.params());
        });
        return out;
    }
}
