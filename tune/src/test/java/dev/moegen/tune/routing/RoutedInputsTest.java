package dev.moegen.tune.routing;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.verify.npy.Npy;
import dev.moegen.verify.npy.NpyArray;
import dev.moegen.verify.reference.Reference;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutedInputsTest {
    static final MoeLayerSpec QWEN = Presets.get("qwen3-30b-a3b").scaled(8);

    /** The reference router's picks on the routed inputs, as sets per token (order within a token may follow the scores). */
    static void assertRoutesTo(Routing r, int tokens) {
        var in = RoutedInputs.of(QWEN, tokens, r, 5);
        int[][] want = r.ids(QWEN, tokens, 5);
        var got = Reference.route(in, Reference.routerLogits(in), null);
        for (int t = 0; t < tokens; t++) {
            Set<Integer> g = new HashSet<>(), w = new HashSet<>();
            for (int j = 0; j < QWEN.topK(); j++) {
                g.add(got.id(t, j));
                w.add(want[t][j]);
            }
            assertEquals(w, g, r.id() + " token " + t);
        }
    }

    @Test
    void theRouterPicksExactlyTheScenariosExperts() {
        assertRoutesTo(new Routing.Uniform(), 64);
        assertRoutesTo(new Routing.Zipf(1.2), 64);
    }

    @Test
    void zipfRoutingIsSkewedAndUniformIsNot() {
        int tokens = 512;
        int[] zipf = counts(new Routing.Zipf(1.2).ids(QWEN, tokens, 1)), uni = counts(new Routing.Uniform().ids(QWEN, tokens, 1));
        double mean = tokens * QWEN.topK() / (double) QWEN.experts();
        assertTrue(Arrays.stream(zipf).max().orElseThrow() > 5 * mean, "the hottest expert gets many times its share");
        assertTrue(Arrays.stream(uni).max().orElseThrow() < 2.5 * mean);
    }

    @Test
    void recordedRoutingIsReadFromNpyAndBadFilesAreNamed(@TempDir Path dir) throws Exception {
        int[] ids = new int[3 * QWEN.topK()];
        for (int i = 0; i < ids.length; i++) ids[i] = (i * 7) % QWEN.experts();
        Path f = dir.resolve("topk_ids.npy");
        Npy.write(f, NpyArray.ofInts(ids, 3, QWEN.topK()));
        Routing r = Routing.parse(f.toString(), QWEN);
        assertEquals("npy:topk_ids.npy", r.id());
        assertArrayEquals(r.ids(QWEN, 5, 0)[4], r.ids(QWEN, 5, 0)[1], "cycled to the bucket's token count");
        assertRoutesTo(r, 5);
        Path wrongK = dir.resolve("k2.npy");
        Npy.write(wrongK, NpyArray.ofInts(new int[] {1, 2}, 1, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> Routing.parse(wrongK.toString(), QWEN));
        assertTrue(e.getMessage().contains("top-8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Routing.parse("skewed", QWEN));
        assertTrue(e.getMessage().contains("allowed: uniform, zipf"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Routing.parse("zipf:-1", QWEN));
        assertTrue(e.getMessage().contains("(0, 4]"), e.getMessage());
    }

    private static int[] counts(int[][] ids) {
        int[] c = new int[QWEN.experts()];
        for (int[] row : ids) {
            assertEquals(QWEN.topK(), Arrays.stream(row).distinct().count(), "distinct experts per token");
            for (int e : row) c[e]++;
        }
        return c;
    }
}
