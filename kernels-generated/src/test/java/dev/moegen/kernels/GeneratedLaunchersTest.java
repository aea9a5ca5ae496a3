package dev.moegen.kernels;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.dsl.preset.Presets;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import dev.moegen.generated.*;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.opencl.OpenCl;
import dev.moegen.testkit.Guards;
import dev.moegen.verify.junit.MoeAssertions;
import dev.moegen.verify.junit.Observed;
import dev.moegen.verify.reference.LayerInputs;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every preset's launcher, generated at build time by moegen-maven-plugin (see this module's pom), loaded on PoCL and
 * checked against the reference through the JUnit 5 harness: typed loadWeights per layer, forward, token counts from
 * decode to a prefill chunk.
 */
class GeneratedLaunchersTest {
    private static DeviceSession session;

    @BeforeAll
    static void open() {
        Guards.openCl(OpenCl.unavailableReason());
        session = Backends.open("opencl");
    }

    @AfterAll
    static void close() throws Exception {
        if (session != null) session.close();
    }

    /** The launcher's embedded spec is the preset's, and it runs like the reference. */
    private static void check(String preset, String specJson, Function<LayerInputs, Observed> layer) {
        var spec = SpecFiles.parse(specJson, SpecFormat.JSON, preset);
        assertEquals(Presets.get(preset).scaled(64), spec, "generated from the preset");
        MoeAssertions.assertMatchesReference(spec, layer, 17L, 1, 9, 64);
    }

    /** What a launcher offers a test: its typed loadWeights (called with the inputs' weights) and forward. */
    private static Function<LayerInputs, Observed> run(java.util.function.Consumer<LayerInputs> load, java.util.function.BiFunction<float[], Integer, float[]> forward) {
        return in -> {
            load.accept(in);
            return Observed.y(forward.apply(in.x(), in.tokens()));
        };
    }

    @Test
    void mixtral() {
        var l = new Mixtral8x7bS64Layer(session, 64);
        check("mixtral-8x7b", Mixtral8x7bS64Layer.SPEC_JSON, run(in -> l.loadWeights(in.wRouter(), in.w13(), in.w2()), l::forward));
    }

    @Test
    void dbrx() {
        var l = new DbrxS64Layer(session, 64);
        check("dbrx", DbrxS64Layer.SPEC_JSON, run(in -> l.loadWeights(in.wRouter(), in.w13(), in.w2()), l::forward));
    }

    @Test
    void deepseekV2Lite() {
        var l = new DeepseekV2LiteS64Layer(session, 64);
        check("deepseek-v2-lite", DeepseekV2LiteS64Layer.SPEC_JSON, run(in -> l.loadWeights(in.wRouter(), in.w13(), in.w2()), l::forward));
    }

    @Test
    void deepseekV2() {
        var l = new DeepseekV2S64Layer(session, 64);
        check("deepseek-v2", DeepseekV2S64Layer.SPEC_JSON, run(in -> l.loadWeights(in.wRouter(), in.w13(), in.w2()), l::forward));
    }

    @Test
    void deepseekV3() {
        var l = new DeepseekV3S64Layer(session, 64);
        check("deepseek-v3", DeepseekV3S64Layer.SPEC_JSON, run(in -> l.loadWeights(in.wRouter(), in.w13(), in.w2(), in.correctionBias()), l::forward));
        float[][] stats = l.loadStats(64);
        assertEquals(Presets.get("deepseek-v3").experts(), stats[2].length, "the correction bias after DeepSeek-V3's update");
    }

    @Test
    void qwen15() {
        var l = new Qwen1_5MoeA2_7bS64Layer(session, 64);
        check("qwen1.5-moe-a2.7b", Qwen1_5MoeA2_7bS64Layer.SPEC_JSON, run(in -> l.loadWeights(in.wRouter(), in.w13(), in.w2()), l::forward));
    }

    @Test
    void qwen3() {
        var l = new Qwen3_30bA3bS64Layer(session, 64);
        check("qwen3-30b-a3b", Qwen3_30bA3bS64Layer.SPEC_JSON, run(in -> l.loadWeights(in.wRouter(), in.w13(), in.w2()), l::forward));
    }

    @Test
    void olmoe() {
        var l = new Olmoe1b7bS64Layer(session, 64);
        check("olmoe-1b-7b", Olmoe1b7bS64Layer.SPEC_JSON, run(in -> l.loadWeights(in.wRouter(), in.w13(), in.w2()), l::forward));
    }

    @Test
    void gptOss20b() {
        var l = new GptOss20bS64Layer(session, 64);
        check("gpt-oss-20b", GptOss20bS64Layer.SPEC_JSON, run(in -> l.loadWeights(in.wRouter(), in.w13(), in.w2(), in.bRouter(), in.b13(), in.b2()), l::forward));
    }

    @Test
    void gptOss120b() {
        var l = new GptOss120bS64Layer(session, 64);
        check("gpt-oss-120b", GptOss120bS64Layer.SPEC_JSON, run(in -> l.loadWeights(in.wRouter(), in.w13(), in.w2(), in.bRouter(), in.b13(), in.b2()), l::forward));
    }

    @Test
    void switchBase128() {
        var l = new SwitchBase128S64Layer(session, 64);
        check("switch-base-128", SwitchBase128S64Layer.SPEC_JSON, run(in -> l.loadWeights(in.wRouter(), in.w13(), in.w2()), l::forward));
    }

    /** The kernels the plugin generated ride in the jar: every preset's OpenCL source and plan, its CUDA source per architecture and cubin. */
    @Test
    void kernelsAreClasspathResources() throws Exception {
        for (String p : Presets.names()) {
            String layer = dev.moegen.codegen.emit.Identifiers.snake(Presets.get(p).scaled(64).name());
            for (String f : new String[] {"opencl/" + layer + ".cl", "opencl/plan.json", "cuda/sm_80/" + layer + ".cu", "cuda/sm_90a/" + layer + ".sm_90a.cubin"})
                try (var in = getClass().getResourceAsStream("/moegen/" + layer + "/" + f)) {
                    assertNotNull(in, "moegen/" + layer + "/" + f);
                    assertTrue(in.readAllBytes().length > 100, f);
                }
        }
    }
}
