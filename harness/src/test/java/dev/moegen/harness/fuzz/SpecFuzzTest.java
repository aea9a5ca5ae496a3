package dev.moegen.harness.fuzz;

import dev.moegen.codegen.cuda.CudaDialect;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.launcher.LauncherGenerator;
import dev.moegen.codegen.opencl.OpenClDialect;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.dsl.layer.*;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.dsl.spec.SpecException;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import dev.moegen.dsl.types.DType;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.*;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Assertions;

/**
 * Specs of every shape, valid and not, through validate → lower → generate (sources and launcher, OpenCL and
 * CUDA): the only exception allowed is {@link SpecException}; a spec that validates must generate. jqwik prints the
 * seed of a failing run ({@code @Property(seed = ...)} replays it).
 */
class SpecFuzzTest {
    static final AtomicLong VALID = new AtomicLong(), INVALID = new AtomicLong();

    @Property(tries = 8000, seed = "20261125")
    void anySpecValidatesOrGenerates(@ForAll("specs") MoeLayerSpec s) {
        try {
            s.validated();
        } catch (SpecException e) {
            INVALID.incrementAndGet();
            Assertions.assertFalse(e.getMessage().isBlank());
            return;
        }
        VALID.incrementAndGet();
        for (var t : java.util.List.of(OpenClDialect.TARGET, CudaDialect.AHEAD_OF_TIME)) {
            KernelPlan p = Lowering.lower(s, t);
            Assertions.assertTrue(SourceEmitter.emit(p).text().contains("moe_combine"));
            Assertions.assertNotNull(LauncherGenerator.generate(p));
        }
    }

    /** Spec text with one value replaced by something else: the parser says what is wrong, or the spec is valid. */
    @Property(tries = 2500, seed = "20261126")
    void anySpecTextParsesOrSaysWhy(@ForAll("presetNames") String preset, @ForAll("fields") String field, @ForAll("values") String value) {
        String yaml = SpecFiles.format(Presets.get(preset), SpecFormat.YAML);
        String mutated = yaml.replaceFirst("(?m)^(\\s*" + field + ": ).*$", "$1" + java.util.regex.Matcher.quoteReplacement(value));
        try {
            SpecFiles.parse(mutated, SpecFormat.YAML, "fuzz.yaml");
            VALID.incrementAndGet();
        } catch (SpecException e) {
            INVALID.incrementAndGet();
            Assertions.assertTrue(e.getMessage().startsWith("invalid MoE spec fuzz.yaml"), e.getMessage());
        }
    }

    @AfterContainer
    static void counts() {
        System.out.printf("spec fuzz: %d valid, %d invalid specs, no exception but SpecException%n", VALID.get(), INVALID.get());
    }

    @Provide
    Arbitrary<String> presetNames() {
        return Arbitraries.of(Presets.names());
    }

    @Provide
    Arbitrary<String> fields() {
        return Arbitraries.of("dtype", "hidden", "intermediate", "experts", "top_k", "activation", "capacity_factor", "expert_bias", "name");
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.of("0", "-1", "2.9", "1e9", "\"8\"", "null", "true", "[]", "{}", "NaN", ".inf", "fp8-e4m3", "fp64", "swiglu", "relu",
                        "4096", "2147483648", "99999999999999999999", "x y", "''"),
                Arbitraries.integers().between(-10, 5000).map(String::valueOf),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(12));
    }

    @Provide
    Arbitrary<MoeLayerSpec> specs() {
        Arbitrary<Integer> size = Arbitraries.oneOf(Arbitraries.integers().between(-4, 130), Arbitraries.of(0, 1, 7, 8, 16, 4096, 14336, Integer.MAX_VALUE));
        Arbitrary<Integer> small = Arbitraries.integers().between(-2, 40);
        Arbitrary<Routing> routing = Combinators.combine(Arbitraries.of(Scoring.values()).injectNull(0.02), Arbitraries.of(true, false),
                Arbitraries.integers().between(-1, 9), Arbitraries.integers().between(-1, 9), Arbitraries.of(true, false),
                Arbitraries.of(1.0, 2.5, 0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY), Arbitraries.of(true, false)).as(Routing::new);
        Arbitrary<SharedExperts> shared = Combinators.combine(Arbitraries.integers().between(-1, 3), Arbitraries.of(0, 8, 16, 24, 100, -8),
                Arbitraries.of(true, false)).as(SharedExperts::new).injectNull(0.1);
        Arbitrary<Double> capacity = Arbitraries.of(0.5, 1.0, 1.25, 2.0, 0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY).injectNull(0.6);
        Arbitrary<Integer> count = Arbitraries.of(-1, 0, 1, 64).injectNull(0.7);
        Arbitrary<Integer> sequence = Arbitraries.of(-1, 0, 1, 7, 512, 1 << 20).injectNull(0.7);
        Arbitrary<String> name = Arbitraries.of("fuzz", "a/b", "x y", "", "../up", "ok-1.2_3", "Ünïcode").injectNull(0.02);
        Arbitrary<DType> dtype = Arbitraries.of(DType.values()).injectNull(0.02);
        return Combinators.combine(name, dtype, size, size, Arbitraries.oneOf(small, Arbitraries.of(64, 128, 256, 4096, 5000)), small, routing,
                Arbitraries.of(Activation.values()).injectNull(0.02)).flatAs((n, d, h, i, e, k, r, a) ->
                Combinators.combine(capacity, count, sequence, shared, Arbitraries.of(true, false))
                        .as((c, ec, sl, sh, eb) -> new MoeLayerSpec(n, d, h, i, e, k, r, a, c, ec, sl, sh, eb)));
    }
}
