package dev.moegen.dsl.graph;

import dev.moegen.dsl.ops.Op;
import dev.moegen.dsl.types.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ops in execution order over named tensors. Built by {@link Builder}, which checks that every
 * input is defined before use and that every tensor is defined once.
 */
public record OpGraph(Map<String, TensorSpec> tensors, List<String> inputs, List<OpNode> nodes, List<String> outputs) {
    public OpGraph {
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        inputs = List.copyOf(inputs);
        nodes = List.copyOf(nodes);
        outputs = List.copyOf(outputs);
    }

    public static Builder builder() {
        return new Builder();
    }

    public TensorSpec tensor(String name) {
        TensorSpec t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor '" + name + "' in graph");
        return t;
    }

    /** First node whose op has the given type. */
    public <T extends Op> Optional<T> find(Class<T> type) {
        return nodes.stream().map(OpNode::op).filter(type::isInstance).map(type::cast).findFirst();
    }

    public <T extends Op> List<T> findAll(Class<T> type) {
        return nodes.stream().map(OpNode::op).filter(type::isInstance).map(type::cast).toList();
    }

    public static final class Builder {
        private final Map<String, TensorSpec> tensors = new LinkedHashMap<>();
        private final List<String> inputs = new ArrayList<>();
        private final List<OpNode> nodes = new ArrayList<>();
        private final List<String> outputs = new ArrayList<>();

        public Builder input(TensorSpec t) {
            define(t);
            inputs.add(t.name());
            return this;
        }

        public Builder op(String name, Op op, List<String> ins, List<TensorSpec> outs) {
            for (String in : ins) {
                if (!tensors.containsKey(in)) throw new IllegalArgumentException("op '" + name + "' reads undefined tensor '" + in + "'");
            }
            if (nodes.stream().anyMatch(n -> n.name().equals(name))) throw new IllegalArgumentException("duplicate op name '" + name + "'");
            outs.forEach(this::define);
            nodes.add(new OpNode(name, op, ins, outs.stream().map(TensorSpec::name).toList()));
            return this;
        }

        public Builder output(String name) {
            if (!tensors.containsKey(name)) throw new IllegalArgumentException("output '" + name + "' is not defined");
            outputs.add(name);
            return this;
        }

        public OpGraph build() {
            if (outputs.isEmpty()) throw new IllegalStateException("graph has no outputs");
            return new OpGraph(tensors, inputs, nodes, outputs);
        }

        private void define(TensorSpec t) {
            if (tensors.putIfAbsent(t.name(), t) != null) throw new IllegalArgumentException("tensor '" + t.name() + "' defined twice");
        }
    }
}
