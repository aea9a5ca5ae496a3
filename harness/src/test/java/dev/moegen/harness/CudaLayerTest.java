package dev.moegen.harness;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.harness.check.CheckRow;
import dev.moegen.harness.check.LayerVerifier;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.testkit.Guards;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.runtime.cuda.Cuda;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.exec.PlanLayer;
import dev.moegen.verify.reference.LayerInputs;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The CUDA runtime: on a GPU machine every preset runs through it and is verified; elsewhere it says why it is unavailable. */
class CudaLayerTest {
    static List<String> presets() {
        return Presets.names();
    }

    @Test
    void unavailableCudaSaysWhyAndIsNeverAFallback() {
        var why = Cuda.unavailableReason();
        Guards.absent("CUDA", why);
        assertTrue(why.get().contains("libcuda.so.1") || why.get().contains("no device"), why.get());
        var e = assertThrows(IllegalStateException.class, () -> Backends.open("cuda"));
        assertTrue(e.getMessage().startsWith("CUDA backend unavailable: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backends.open("vulkan"));
    }

    @ParameterizedTest
    @MethodSource("presets")
    void everyPresetVerifiesOnTheGpu(String preset) {
        Guards.gpu("CUDA", Cuda.unavailableReason());
        MoeLayerSpec s = Presets.get(preset).scaled(8);
        try (DeviceSession gpu = Backends.open("cuda")) {
            PlanLayer layer = new PlanLayer(gpu, Lowering.lower(s, gpu.target()), 256);
            LayerInputs w = LayerInputs.random(s, 1, 42);
            layer.setWeights(w.weights());
            for (int t : new int[] {1, 16, 256}) {
                var out = LayerVerifier.verify(layer, LayerInputs.random(s, t, 7 + t).withWeightsOf(w));
                for (CheckRow r : out.rows()) assertTrue(r.pass(), preset + " T=" + t + " " + r.kernel() + ": " + r.detail());
            }
        }
    }

    /**
     * The untimed forward recorded as a CUDA graph (moegen.cuda.graphs): the first forward of a token count captures,
     * later ones replay; each replay reads the x uploaded just before it, and y is bitwise what the timed run gives.
     */
    @Test
    void graphReplayedForwardIsTheTimedRun() {
        Guards.gpu("CUDA", Cuda.unavailableReason());
        MoeLayerSpec s = Presets.get("qwen3-30b-a3b").scaled(8);
        System.setProperty("moegen.cuda.graphs", "true");
        try (DeviceSession gpu = Backends.open("cuda")) {
            PlanLayer layer = new PlanLayer(gpu, Lowering.lower(s, gpu.target()), 64);
            LayerInputs w = LayerInputs.random(s, 1, 42);
            layer.setWeights(w.weights());
            for (int t : new int[] {1, 16, 1}) // 1 again: a replay of the first capture
                for (int seed : new int[] {3, 4}) {
                    LayerInputs in = LayerInputs.random(s, t, seed).withWeightsOf(w);
                    float[] timed = layer.run(in.x(), t).f(dev.moegen.codegen.plan.BufferId.Y);
                    assertArrayEquals(timed, layer.forward(in.x(), t), "T=" + t + " input " + seed);
                }
        } finally {
            System.clearProperty("moegen.cuda.graphs");
        }
    }
}
