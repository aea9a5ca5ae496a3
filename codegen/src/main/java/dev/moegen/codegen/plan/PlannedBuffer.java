package dev.moegen.codegen.plan;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.moegen.dsl.types.DType;

/** A device buffer of the plan with its dtype for this layer. Its size is {@link KernelPlan#elements}. */
public record PlannedBuffer(BufferId id, DType dtype) {
    @JsonProperty("name")
    public String name() {
        return id.id();
    }

    @JsonProperty("role")
    public BufferId.Role role() {
        return id.role();
    }

    @JsonProperty("size")
    public String size() {
        return id.size();
    }
}
