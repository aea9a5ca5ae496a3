package dev.moegen.dsl.types;

/** A named tensor in an op graph. */
public record TensorSpec(String name, DType dtype, Shape shape) {
    @Override
    public String toString() {
        return name + ":" + dtype.id() + shape;
    }
}
