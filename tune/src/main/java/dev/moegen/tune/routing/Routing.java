package dev.moegen.tune.routing;

import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.verify.npy.Npy;
import dev.moegen.verify.npy.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Which experts the tuning inputs route to, because a GroupGEMM's time depends on how rows spread over experts:
 * uniform, skewed (Zipf over a random ranking of the experts, as trained routers are), or recorded top-k ids from a
 * {@code .npy} file ([tokens, k] integers, e.g. {@code topk_ids.npy} of {@code moegen reference --dump}, cycled to the
 * bucket's token count). {@link RoutedInputs} turns the ids into router weights and activations that produce them.
 */
public sealed interface Routing {
    /** As the cache and database record it: "uniform", "zipf:1.2", "npy:<file name>". */
    String id();

    /** The id as a file-name part: "zipf_1.2". */
    default String slug() {
        return id().replaceAll("[^A-Za-z0-9.]+", "_");
    }

    /** Top-k expert ids per token (distinct within a token), [tokens][k]. */
    int[][] ids(MoeLayerSpec spec, int tokens, long seed);

    record Uniform() implements Routing {
        @Override
        public String id() {
            return "uniform";
        }

        @Override
        public int[][] ids(MoeLayerSpec spec, int tokens, long seed) {
            double[] w = new double[spec.experts()];
            java.util.Arrays.fill(w, 1);
            return sample(w, spec.topK(), tokens, new SplittableRandom(seed));
        }
    }

    /** Expert of rank r (a random ranking) chosen with weight 1 / r^s, k distinct per token. */
    record Zipf(double s) implements Routing {
        public Zipf {
            if (!(s > 0 && s <= 4)) throw new IllegalArgumentException("--routing zipf:" + s + ": the exponent must be in (0, 4]");
        }

        @Override
        public String id() {
            return "zipf:" + s;
        }

        @Override
        public int[][] ids(MoeLayerSpec spec, int tokens, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int e = spec.experts();
            int[] rank = new int[e];
            for (int i = 0; i < e; i++) rank[i] = i;
            for (int i = e - 1; i > 0; i--) {
                int j = r.nextInt(i + 1), t = rank[i];
                rank[i] = rank[j];
                rank[j] = t;
            }
            double[] w = new double[e];
            for (int i = 0; i < e; i++) w[i] = Math.pow(rank[i] + 1, -s);
            return sample(w, spec.topK(), tokens, r);
        }
    }

    record Recorded(Path file, int[][] recorded) implements Routing {
        @Override
        public String id() {
            return "npy:" + file.getFileName();
        }

        @Override
        public int[][] ids(MoeLayerSpec spec, int tokens, long seed) {
            int[][] out = new int[tokens][];
            for (int t = 0; t < tokens; t++) out[t] = recorded[t % recorded.length].clone();
            return out;
        }
    }

    /** "uniform", "zipf" (exponent 1.2), "zipf:S", or a path to a .npy file of top-k ids; errors name the value and what is allowed. */
    static Routing parse(String text, MoeLayerSpec spec) throws IOException {
        String t = text.trim();
        if (t.equals("uniform")) return new Uniform();
        if (t.equals("zipf")) return new Zipf(1.2);
        if (t.startsWith("zipf:")) {
            try {
                return new Zipf(Double.parseDouble(t.substring(5)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--routing " + t + ": the exponent must be a number");
            }
        }
        if (t.endsWith(".npy")) return recorded(Path.of(t), spec);
        throw new IllegalArgumentException("--routing '" + text + "': allowed: uniform, zipf, zipf:S, or a .npy file of top-k ids");
    }

    private static Routing recorded(Path file, MoeLayerSpec spec) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--routing " + file + ": no such file");
        NpyArray a = Npy.read(file, null);
        if (a.ints() == null || a.shape().length != 2)
            throw new IllegalArgumentException("--routing " + file + ": expected a 2-D integer array [tokens, k] of expert ids");
        int rows = (int) a.shape()[0], k = (int) a.shape()[1], top = spec.topK();
        // a dump of a layer with shared experts has their slots after the routed ones: those are not routed
        if (k != top && k != spec.slotsPerToken())
            throw new IllegalArgumentException("--routing " + file + ": has " + k + " ids per token, the layer routes to top-" + top
                    + (spec.slotsPerToken() != top ? " (" + spec.slotsPerToken() + " slots with its shared experts)" : ""));
        if (rows < 1) throw new IllegalArgumentException("--routing " + file + ": has no tokens");
        int[][] ids = new int[rows][top];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < top; j++) {
                int e = a.ints()[r * k + j];
                if (e < 0 || e >= spec.experts())
                    throw new IllegalArgumentException("--routing " + file + ": id " + e + " at [" + r + "," + j + "] outside [0, " + (spec.experts() - 1) + "]");
                ids[r][j] = e;
            }
        return new Recorded(file, ids);
    }

    /** k distinct experts per token, each drawn with probability proportional to its weight among those not yet drawn. */
    private static int[][] sample(double[] w, int k, int tokens, SplittableRandom r) {
        int[][] out = new int[tokens][k];
        for (int t = 0; t < tokens; t++) {
            boolean[] used = new boolean[w.length];
            for (int j = 0; j < k; j++) {
                double total = 0;
                for (int e = 0; e < w.length; e++) if (!used[e]) total += w[e];
                double u = r.nextDouble() * total;
                int pick = -1;
                for (int e = 0; e < w.length && pick < 0; e++) {
                    if (used[e]) continue;
                    u -= w[e];
                    if (u <= 0) pick = e;
                }
                if (pick < 0) for (int e = w.length - 1; pick < 0; e--) if (!used[e]) pick = e;
                used[pick] = true;
                out[t][j] = pick;
            }
        }
        return out;
    }
}
