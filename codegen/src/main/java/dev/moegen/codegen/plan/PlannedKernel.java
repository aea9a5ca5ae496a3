package dev.moegen.codegen.plan;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One generated kernel: its role (entry point, geometry), its arguments in order, and the graph ops it fuses. */
public record PlannedKernel(KernelRole role, List<KernelArg> args, List<String> fuses) {
    public PlannedKernel {
        args = List.copyOf(args);
        fuses = List.copyOf(fuses);
    }

    @JsonProperty("name")
    public String name() {
        return role.entry();
    }

    public Geometry geometry() {
        return role.geometry();
    }

    /** Argument names in order: buffer names and the scalars T, capacity, splits. */
    public List<String> argNames() {
        return args.stream().map(KernelArg::name).toList();
    }
}
