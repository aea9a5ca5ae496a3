package dev.moegen.codegen.plan;

/** One kernel parameter: a buffer (read-only or written) or a scalar the host passes per launch. */
public sealed interface KernelArg {
    /** The name in the generated signature and in plan.json. */
    String name();

    /**
     * A buffer argument. {@code param} is the kernel's name for it where a shared body uses a generic one (the
     * GroupGEMMs write {@code out}).
     */
    record Buffer(BufferId buffer, boolean writes, String param) implements KernelArg {
        public Buffer(BufferId buffer, boolean writes) {
            this(buffer, writes, buffer.id());
        }

        @Override
        public String name() {
            return buffer.id();
        }
    }

    /** A 32-bit integer the host computes for each launch. */
    record Scalar(ScalarArg scalar) implements KernelArg {
        @Override
        public String name() {
            return scalar.id();
        }
    }

    /**
     * A weight's TMA tensor map, passed by value (128 bytes): what the warp-specialised wgmma loop's producer loads
     * the weight tiles through. The host encodes it from the weight's device buffer and {@link TensorMapSpec}.
     */
    record TensorMap(BufferId weight) implements KernelArg {
        @Override
        public String name() {
            return "tmap_" + weight.id();
        }
    }

    /** The scalars a launch passes. */
    enum ScalarArg {
        /** the token count T */
        TOKENS("T"),
        /** the per-expert capacity ("unlimited" when dropless) */
        CAPACITY("capacity"),
        /** GroupGEMM 2's K slices for this T */
        SPLITS("splits"),
        /** the tokens each expert takes under expert choice, C = min(T, capacity rule) */
        CHOSEN("chosen"),
        /** the key of the gating's random stream (noisy gating, GShard's second expert): the caller's, per forward */
        SEED("seed");

        private final String id;

        ScalarArg(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
