package dev.moegen.dsl.graph;

import dev.moegen.dsl.ops.Op;
import java.util.List;

/** One op applied to named input tensors, producing named output tensors. */
public record OpNode(String name, Op op, List<String> inputs, List<String> outputs) {
    public OpNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
