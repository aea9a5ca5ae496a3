package dev.moegen.dsl.layer;

import dev.moegen.dsl.types.DType;

/** Fluent construction of a {@link MoeLayerSpec}; {@link Builder#build()} validates. */
public final class MoeLayer {
    private MoeLayer() {}

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public static final class Builder {
        private final String name;
        private DType dtype = DType.BF16;
        private int hidden;
        private int intermediate;
        private int experts;
        private int topK;
        private Routing routing = Routing.softmax(true);
        private Activation activation = Activation.SWIGLU;
        private Double capacityFactor;
        private Integer expertCapacity;
        private Integer sequenceLength;
        private SharedExperts shared = SharedExperts.NONE;
        private boolean expertBias;

        Builder(String name) {
            this.name = name;
        }

        public Builder dtype(DType d) { this.dtype = d; return this; }
        public Builder hidden(int h) { this.hidden = h; return this; }
        public Builder intermediate(int i) { this.intermediate = i; return this; }
        public Builder experts(int e, int topK) { this.experts = e; this.topK = topK; return this; }
        public Builder routing(Routing r) { this.routing = r; return this; }
        public Builder activation(Activation a) { this.activation = a; return this; }
        public Builder capacityFactor(double f) { this.capacityFactor = f; return this; }
        /** A fixed count per expert (HF Switch's expert_capacity), over all T or per sequence. */
        public Builder expertCapacity(int c) { this.expertCapacity = c; return this; }
        /** The capacity holds per sequence of this many tokens. */
        public Builder sequenceLength(int l) { this.sequenceLength = l; return this; }
        public Builder dropless() { this.capacityFactor = null; this.expertCapacity = null; this.sequenceLength = null; return this; }
        public Builder shared(int count, int intermediate, boolean gated) { this.shared = new SharedExperts(count, intermediate, gated); return this; }
        public Builder expertBias(boolean on) { this.expertBias = on; return this; }

        public MoeLayerSpec build() {
            return new MoeLayerSpec(name, dtype, hidden, intermediate, experts, topK, routing, activation,
                    capacityFactor, expertCapacity, sequenceLength, shared, expertBias).validated();
        }
    }
}
