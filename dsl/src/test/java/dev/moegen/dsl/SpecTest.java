package dev.moegen.dsl;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.dsl.layer.*;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.dsl.spec.*;
import dev.moegen.dsl.types.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SpecTest {
    static java.util.List<String> presets() {
        return Presets.names();
    }

    @ParameterizedTest
    @MethodSource("presets")
    void presetRoundTripsExactlyThroughJsonAndYaml(String name, @TempDir Path dir) {
        MoeLayerSpec s = Presets.get(name);
        for (String ext : new String[] {"json", "yaml"}) {
            Path f = dir.resolve("spec." + ext);
            SpecFiles.write(s, f);
            assertEquals(s, SpecFiles.read(f), ext);
            assertEquals(s.scaled(32), SpecFiles.parse(SpecFiles.format(s.scaled(32), SpecFormat.of(f)), SpecFormat.of(f), ext));
        }
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void presetsCarryPublishedHyperParameters() {
        assertEquals(11, Presets.names().size());
        MoeLayerSpec v2 = Presets.get("deepseek-v2");
        assertEquals(160, v2.experts());
        assertEquals(6, v2.topK());
        assertEquals(5120, v2.hidden());
        assertEquals(1536, v2.intermediate());
        assertEquals(dev.moegen.dsl.layer.GroupScore.MAX, v2.routing().groupScore());
        assertEquals(3, v2.routing().topkGroup());
        assertEquals(16.0, v2.routing().routedScalingFactor());
        assertFalse(v2.routing().renormalize());
        assertEquals(2, v2.shared().count());
        MoeLayerSpec v3 = Presets.get("deepseek-v3");
        assertEquals(256, v3.experts());
        assertEquals(8, v3.topK());
        assertEquals(7168, v3.hidden());
        assertEquals(Scoring.SIGMOID, v3.routing().scoring());
        assertEquals(8, v3.routing().nGroup());
        assertEquals(4, v3.routing().topkGroup());
        assertEquals(2.5, v3.routing().routedScalingFactor());
        assertEquals(257, v3.totalExperts());
        MoeLayerSpec q = Presets.get("qwen1.5-moe-a2.7b");
        assertEquals(4, q.sharedSlices(), "a 5632-wide shared expert is four 1408-wide slices");
        MoeLayerSpec sw = Presets.get("switch-base-128");
        assertNull(sw.capacityFactor());
        assertEquals(64, sw.expertCapacity(), "HF switch-base-128: expert_capacity 64 per sequence");
        assertTrue(sw.perSequence());
        assertEquals(64, sw.sequenceCapacity());
        assertEquals(Long.MAX_VALUE, sw.capacity(4096), "no cap over all T when it holds per sequence");
        assertEquals(Activation.RELU, Presets.get("switch-base-128").activation());
        assertEquals(Activation.SWIGLU_CLAMPED, Presets.get("gpt-oss-120b").activation());
    }

    @Test
    void scalingKeepsRoutingAndShrinksSizes() {
        MoeLayerSpec s = Presets.get("qwen1.5-moe-a2.7b").scaled(64);
        assertEquals(60, s.experts());
        assertEquals(4, s.topK());
        assertEquals(32, s.hidden());
        assertEquals(32, s.intermediate()); // 1408/64 = 22 -> 32
        assertEquals(4 * 32, s.shared().intermediate());
        assertEquals(Presets.get("qwen1.5-moe-a2.7b").routing(), s.routing());
        assertThrows(IllegalArgumentException.class, () -> s.scaled(0));
    }

    private static MoeLayer.Builder valid() {
        return MoeLayer.builder("t").hidden(64).intermediate(32).experts(8, 2);
    }

    @Test
    void validationNamesFieldValueAndAllowedRange() {
        var e = assertThrows(SpecException.class, () -> valid().experts(8, 9).build());
        assertTrue(e.getMessage().contains("top_k = 9: must be in [1, experts = 8]"), e.getMessage());
        e = assertThrows(SpecException.class, () -> valid().experts(10, 2).routing(Routing.softmax(true).withGroups(4, 2)).build());
        assertTrue(e.getMessage().contains("routing.n_group = 4: must divide experts = 10"), e.getMessage());
        e = assertThrows(SpecException.class, () -> valid().routing(Routing.softmax(true).withGroups(4, 5)).build());
        assertTrue(e.getMessage().contains("routing.topk_group = 5: must be in [1, n_group = 4]"), e.getMessage());
        e = assertThrows(SpecException.class, () -> valid().hidden(0).intermediate(-3).build());
        assertEquals(2, e.problems().size(), "every problem reported at once: " + e.problems());
        assertTrue(e.getMessage().contains("hidden = 0: must be > 0"));
        assertTrue(e.getMessage().contains("intermediate = -3: must be > 0"));
        e = assertThrows(SpecException.class, () -> valid().hidden(2_000_000_000).intermediate(2_000_000_000).experts(4096, 2).build());
        assertTrue(e.getMessage().contains("overflows 64 bits"), e.getMessage());
        e = assertThrows(SpecException.class, () -> valid().capacityFactor(-1).build());
        assertTrue(e.getMessage().contains("capacity_factor = -1.0"), e.getMessage());
        e = assertThrows(SpecException.class, () -> valid().capacityFactor(1.25).expertCapacity(64).build());
        assertTrue(e.getMessage().contains("capacity_factor = 1.25 and expert_capacity = 64: give one"), e.getMessage());
        e = assertThrows(SpecException.class, () -> valid().expertCapacity(0).build());
        assertTrue(e.getMessage().contains("expert_capacity = 0: must be >= 1"), e.getMessage());
        e = assertThrows(SpecException.class, () -> valid().sequenceLength(512).build());
        assertTrue(e.getMessage().contains("sequence_length = 512: applies only with capacity_factor or expert_capacity"), e.getMessage());
        e = assertThrows(SpecException.class, () -> valid().expertCapacity(4).sequenceLength(0).build());
        assertTrue(e.getMessage().contains("sequence_length = 0: must be >= 1"), e.getMessage());
        e = assertThrows(SpecException.class, () -> valid().expertCapacity(4).sequenceLength(1 << 20).build());
        assertTrue(e.getMessage().contains("sequence_length = 1048576: × 2 slots per token must be ≤ 1048576"), e.getMessage());
        e = assertThrows(SpecException.class, () -> valid().experts(8, 3).routing(Routing.softmax(true).withSecondExpertPolicy(SecondExpertPolicy.RANDOM)).build());
        assertTrue(e.getMessage().contains("routing.second_expert_policy = random: GShard's rule for a second expert needs top_k = 2, got top_k = 3"), e.getMessage());
        Routing ec = Routing.softmax(false).withStrategy(RoutingStrategy.EXPERT_CHOICE);
        e = assertThrows(SpecException.class, () -> valid().routing(ec).build());
        assertTrue(e.getMessage().contains("routing.strategy = expert_choice: needs capacity_factor"), e.getMessage());
        e = assertThrows(SpecException.class, () -> valid().routing(Routing.softmax(true).withStrategy(RoutingStrategy.EXPERT_CHOICE).withGroups(2, 1)).capacityFactor(1.0).sequenceLength(4).build());
        assertEquals(3, e.problems().size(), e.problems().toString());
        assertTrue(e.getMessage().contains("routing.strategy = expert_choice: renormalize must be false"), e.getMessage());
        assertTrue(e.getMessage().contains("n_group = 2 is for token choice"), e.getMessage());
        assertTrue(e.getMessage().contains("sequence_length = 4 is for token choice"), e.getMessage());
        MoeLayerSpec choice = valid().routing(ec).capacityFactor(2.0).build();
        assertEquals(8, choice.slotsPerToken(), "a routed slot per expert");
        assertEquals(8, choice.expertChoiceTokens(16), "ceil(2.0 * 16 * 2 / 8)");
        assertEquals(64, choice.computedAssignments(16), "E·C, not T·E = 128");
        MoeLayerSpec gshard = valid().capacityFactor(2.0).sequenceLength(16).routing(Routing.softmax(true).withSecondExpertPolicy(SecondExpertPolicy.RANDOM)).build();
        assertEquals(Long.MAX_VALUE, gshard.capacity(64));
        assertEquals((long) Math.ceil(2.0 * 16 * gshard.topK() / gshard.experts()), gshard.sequenceCapacity(), "GShard: the factor over one group");
        assertEquals(Long.MAX_VALUE, valid().expertCapacity(3).build().sequenceCapacity());
        assertEquals(3, valid().expertCapacity(3).build().capacity(1000), "a fixed count over all T");
        e = assertThrows(SpecException.class, () -> valid().shared(1, 48, false).build());
        assertTrue(e.getMessage().contains("shared.intermediate = 48: must be a multiple of intermediate = 32"), e.getMessage());
        e = assertThrows(SpecException.class, () -> valid().dtype(DType.INT32).build());
        assertTrue(e.getMessage().contains("dtype = int32"), e.getMessage());
    }

    @Test
    void fileErrorsNameTheField() {
        String yaml = SpecFiles.format(Presets.get("mixtral-8x7b"), SpecFormat.YAML);
        var e = assertThrows(SpecException.class, () -> SpecFiles.parse(yaml.replace("dtype: bf16", "dtype: fp64"), SpecFormat.YAML, "x.yaml"));
        assertTrue(e.getMessage().contains("dtype: unknown dtype 'fp64'; allowed: fp32, fp16, bf16"), e.getMessage());
        assertTrue(yaml.contains("second_expert_policy: all") && yaml.contains("noisy_gating: false") && yaml.contains("expert_capacity: null"), yaml);
        e = assertThrows(SpecException.class, () -> SpecFiles.parse(yaml.replace("second_expert_policy: all", "second_expert_policy: sometimes"), SpecFormat.YAML, "x.yaml"));
        assertTrue(e.getMessage().contains("unknown second_expert_policy 'sometimes'; allowed: all, random"), e.getMessage());
        MoeLayerSpec gshard = SpecFiles.parse(yaml.replace("second_expert_policy: all", "second_expert_policy: random").replace("noisy_gating: false", "noisy_gating: true")
                .replace("capacity_factor: null", "capacity_factor: 2.0").replace("sequence_length: null", "sequence_length: 1024"), SpecFormat.YAML, "x.yaml");
        assertEquals(SecondExpertPolicy.RANDOM, gshard.routing().secondExpertPolicy());
        assertTrue(gshard.routing().noisyGating());
        assertEquals(Math.ceil(2.0 * 1024 * 2 / 8), gshard.sequenceCapacity());
        e = assertThrows(SpecException.class, () -> SpecFiles.parse(yaml.replace("activation: swiglu", "activation: tanh"), SpecFormat.YAML, "x.yaml"));
        assertTrue(e.getMessage().contains("activation: unknown activation 'tanh'"), e.getMessage());
        e = assertThrows(SpecException.class, () -> SpecFiles.parse(yaml.replace("top_k: 2", "topk: 2"), SpecFormat.YAML, "x.yaml"));
        assertTrue(e.getMessage().contains("top_k: is missing (required)"), e.getMessage());
        e = assertThrows(SpecException.class, () -> SpecFiles.parse(yaml.replace("top_k: 2", "top_k: 2\nexperts_per_tok: 2"), SpecFormat.YAML, "x.yaml"));
        assertTrue(e.getMessage().contains("experts_per_tok: unknown field"), e.getMessage());
        e = assertThrows(SpecException.class, () -> SpecFiles.parse(yaml.replace("top_k: 2", "top_k: 20"), SpecFormat.YAML, "x.yaml"));
        assertTrue(e.getMessage().contains("top_k = 20"), e.getMessage());
        e = assertThrows(SpecException.class, () -> SpecFiles.parse(yaml.replaceFirst("dtype: \\w+", "dtype: fp8-e4m3"), SpecFormat.YAML, "x.yaml"));
        assertTrue(e.getMessage().contains("dtype = fp8-e4m3: no fp8 kernels exist yet"), "fp8 is rejected, not silently computed as fp32: " + e.getMessage());
        e = assertThrows(SpecException.class, () -> SpecFiles.parse("{\"name\": ", SpecFormat.JSON, "x.json"));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void numbersAreNeverCoercedAndEveryProblemIsListedAtOnce() {
        String yaml = SpecFiles.format(dev.moegen.dsl.preset.Presets.get("mixtral-8x7b"), SpecFormat.YAML);
        String bad = yaml.replace("hidden: 4096", "hidden: 128.5").replace("top_k: 2", "top_k: 2.9").replace("experts: 8", "experts: \"8\"")
                .replace("renormalize: true", "renormalize: 1").replace("intermediate: 14336", "intermediate: 14336\nintermediate: 7168");
        var e = assertThrows(SpecException.class, () -> SpecFiles.parse(bad, SpecFormat.YAML, "bad.yaml"));
        for (String want : List.of("intermediate: written twice", "hidden = 128.5: must be an integer", "top_k = 2.9: must be an integer",
                "experts = \"8\": must be an integer", "routing.renormalize = 1: must be true or false"))
            assertTrue(e.getMessage().contains(want), want + " in " + e.getMessage());
        var json = assertThrows(SpecException.class, () -> SpecFiles.parse("{\"name\": \"a\", \"name\": \"b\", \"routing\": {\"n_group\": 1, \"n_group\": 2}}",
                SpecFormat.JSON, "dup.json"));
        assertTrue(json.getMessage().contains("name: written twice") && json.getMessage().contains("routing.n_group: written twice"), json.getMessage());
        assertEquals(dev.moegen.dsl.preset.Presets.get("mixtral-8x7b"), SpecFiles.parse(yaml, SpecFormat.YAML, "ok.yaml"), "a valid spec still reads");
    }

    @Test
    void dtypeRoundingMatchesTheFormats() {
        assertEquals(1.0f, DType.BF16.round(1.00390625f)); // exactly half-way: ties to even
        assertEquals(1.0078125f, DType.BF16.round(1.005f));
        assertEquals(65504f, DType.FP16.round(65504f));
        assertEquals(Float.POSITIVE_INFINITY, DType.FP16.round(70000f));
        assertEquals(448f, DType.FP8_E4M3.round(440f));
        assertEquals(0.1015625f, DType.FP8_E4M3.round(0.1f));
        assertTrue(Float.isNaN(DType.BF16.round(Float.NaN)));
    }
}
