package dev.moegen.dsl;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.dsl.graph.LayerGraph;
import dev.moegen.dsl.graph.OpGraph;
import dev.moegen.dsl.ops.*;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.dsl.types.*;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphTest {
    @Test
    void deepseekV3GraphHasBiasedGroupedRoutingAndSharedSlots() {
        OpGraph g = LayerGraph.of(Presets.get("deepseek-v3"));
        assertTrue(g.find(Sigmoid.class).isPresent());
        assertTrue(g.find(CorrectionBias.class).isPresent());
        assertEquals(new GroupedTopK(8, 256, 8, 4, dev.moegen.dsl.layer.GroupScore.TOP2_SUM), g.find(GroupedTopK.class).orElseThrow());
        assertEquals(2.5, g.find(RoutedScaling.class).orElseThrow().factor());
        assertEquals(new SharedExpertSlots(256, 1, false), g.find(SharedExpertSlots.class).orElseThrow());
        assertEquals(new Permutation(257, 9), g.find(Permutation.class).orElseThrow());
        assertEquals(List.of("y"), g.outputs());
        assertArrayEquals(new long[] {257, 4096, 7168}, g.tensor("w13").shape().resolve(5));
        assertArrayEquals(new long[] {5 * 9}, g.tensor("sorted_token_ids").shape().resolve(5));
    }

    @Test
    void switchGraphHasCapacityAndPlainFfn() {
        OpGraph g = LayerGraph.of(Presets.get("switch-base-128"));
        assertTrue(g.find(CapacityLimit.class).isPresent());
        assertTrue(g.find(GroupedTopK.class).isEmpty());
        assertTrue(g.find(Renormalize.class).isEmpty());
        assertEquals(3072, g.findAll(GroupGemm.class).get(0).n(), "ReLU FFN is not gated: GEMM 1 is I wide");
    }

    @Test
    void builderRejectsUndefinedAndDuplicateTensors() {
        var t = new TensorSpec("x", DType.FP32, Shape.of(Dim.tokens(), Dim.of(4)));
        var b = OpGraph.builder().input(t);
        assertThrows(IllegalArgumentException.class, () -> b.op("s", new Softmax(4), List.of("nope"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> b.input(t));
        assertThrows(IllegalStateException.class, b::build);
    }

    @Test
    void shapesCatchOverflow() {
        Shape s = Shape.of(Dim.tokens(1L << 40), Dim.of(1L << 30));
        assertThrows(ArithmeticException.class, () -> s.elements(1 << 20));
    }
}
