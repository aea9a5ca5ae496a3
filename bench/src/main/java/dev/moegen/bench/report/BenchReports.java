package dev.moegen.bench.report;

import dev.moegen.bench.LayerBench;
import dev.moegen.dsl.io.AtomicFiles;
import dev.moegen.dsl.io.OutputFolder;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A benchmark report as a folder: {@code report.json} (the whole report), {@code report.md} (tables a reviewer reads)
 * and three PNG charts drawn headless: each kernel's time vs T, the layer's fraction of its floor vs T, and moegen's
 * forward vs each peer's vs T. Written whole under {@link OutputFolder}'s rules (a folder moegen did not write is
 * never touched).
 */
public final class BenchReports {
    private BenchReports() {}

    /** Writes the report folder; {@code force} replaces an earlier moegen output there (nothing else). */
    public static void write(Path dir, boolean force, LayerBench.Report r) throws IOException {
        System.setProperty("java.awt.headless", "true");
        OutputFolder.write(dir, force, "--report", "bench report", tmp -> {
            SpecFiles.mapper(SpecFormat.JSON).writerWithDefaultPrettyPrinter().writeValue(tmp.resolve("report.json").toFile(), r);
            Files.writeString(tmp.resolve("report.md"), markdown(r), StandardCharsets.UTF_8);
            save(kernelTimes(r), tmp.resolve("kernel-times.png"));
            save(floorFractions(r), tmp.resolve("floor-fraction.png"));
            save(peers(r), tmp.resolve("moegen-vs-peers.png"));
        });
    }

    static String markdown(LayerBench.Report r) {
        StringBuilder m = new StringBuilder();
        m.append("# ").append(r.layer()).append(" (").append(r.dtype()).append(") on ").append(r.device()).append("\n\n");
        m.append("Date ").append(r.date()).append(", backend ").append(r.backend()).append(". Parameters: `").append(r.params()).append("`.\n\n");
        var f = r.floors();
        m.append(String.format("Floors, measured in this run: copy bandwidth %.1f GB/s, fp32 FMA %.1f GFLOP/s", f.bandwidthBytesPerSec() / 1e9, f.fp32FlopsPerSec() / 1e9));
        if (f.tensorFlopsPerSec() > 0) m.append(String.format(", tensor cores (%s) %.1f GFLOP/s", f.tensorKind(), f.tensorFlopsPerSec() / 1e9));
        m.append(String.format(". moegen's own floor kernels: copy %.1f GB/s, FMA %.1f GFLOP/s", f.ownBandwidth() / 1e9, f.ownFp32Flops() / 1e9));
        if (f.independentSource() != null)
            m.append(String.format("; %s on this machine: copy %.1f GB/s, sgemm %.1f GFLOP/s", f.independentSource(), f.independentBandwidth() / 1e9, f.independentFlops() / 1e9));
        m.append(".\n\n");
        for (String w : r.floorShortfalls()) m.append("- ").append(w).append('\n');
        if (!r.floorShortfalls().isEmpty()) m.append('\n');
        List<String> peerNames = peerNames(r);
        m.append("| T | experts hit | device ms (median) | spread | forward wall ms | floor ms | of floor | bound | GEMM weights / BW | GEMM FLOP / peak |");
        for (String p : peerNames) m.append(' ').append(p).append(" ms | ").append(p).append(" / moegen wall |");
        m.append('\n').append("|---".repeat(10 + 2 * peerNames.size())).append("|\n");
        for (var row : r.rows()) {
            m.append(String.format("| %d | %d | %.3f | %.3f–%.3f | %.3f | %.3f | %.1f%% | %s | %.1f%% | %.1f%% |", row.tokens(), row.expertsTouched(), row.totalMs(),
                    row.minMs(), row.maxMs(), row.wallMs(), row.floorMs(), 100 * row.floorFraction(), row.bound(), 100 * row.gemmWeightBandwidth(),
                    100 * row.gemmComputeFraction()));
            for (String p : peerNames) {
                var pr = row.peers().stream().filter(x -> x.peer().equals(p)).findFirst();
                m.append(pr.map(x -> String.format(" %.3f (%.3f–%.3f, rel err %.1e) | %.2f× |", x.medianMs(), x.minMs(), x.maxMs(), x.relError(), x.medianMs() / row.wallMs()))
                        .orElse(" – | – |"));
            }
            m.append('\n');
        }
        m.append("\nPer kernel, device ms (median):\n\n| T |");
        Set<String> kernels = kernelNames(r);
        for (String k : kernels) m.append(' ').append(k).append(" |");
        m.append('\n').append("|---".repeat(1 + kernels.size())).append("|\n");
        for (var row : r.rows()) {
            m.append("| ").append(row.tokens()).append(" |");
            for (String k : kernels) m.append(String.format(" %.3f |", row.kernelMs().getOrDefault(k, 0.0)));
            m.append('\n');
        }
        return m.toString();
    }

    static XYChart kernelTimes(LayerBench.Report r) {
        XYChart c = chart(r.layer() + ": device time per kernel", "ms (median)", r);
        for (String k : kernelNames(r))
            series(c, k, r, r.rows().stream().mapToDouble(row -> Math.max(1e-4, row.kernelMs().getOrDefault(k, 0.0))).toArray());
        return c;
    }

    static XYChart floorFractions(LayerBench.Report r) {
        XYChart c = chart(r.layer() + ": layer time / floor time (max of bytes / BW, FLOPs / peak)", "% of floor", r);
        c.getStyler().setYAxisLogarithmic(false);
        series(c, "layer", r, r.rows().stream().mapToDouble(row -> 100 * row.floorFraction()).toArray());
        series(c, "GEMM weight bytes / BW", r, r.rows().stream().mapToDouble(row -> 100 * row.gemmWeightBandwidth()).toArray());
        series(c, "GEMM FLOP / peak", r, r.rows().stream().mapToDouble(row -> 100 * row.gemmComputeFraction()).toArray());
        return c;
    }

    static XYChart peers(LayerBench.Report r) {
        XYChart c = chart(r.layer() + ": one forward, moegen vs peers (same inputs, alternating runs)", "ms (median)", r);
        series(c, "moegen forward (wall)", r, r.rows().stream().mapToDouble(LayerBench.Row::wallMs).toArray());
        series(c, "moegen device time", r, r.rows().stream().mapToDouble(LayerBench.Row::totalMs).toArray());
        for (String p : peerNames(r))
            series(c, p, r, r.rows().stream().mapToDouble(row -> row.peers().stream().filter(x -> x.peer().equals(p)).mapToDouble(LayerBench.PeerRow::medianMs)
                    .findFirst().orElse(Double.NaN)).toArray());
        return c;
    }

    private static XYChart chart(String title, String yTitle, LayerBench.Report r) {
        XYChart c = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle("tokens T (log)").yAxisTitle(yTitle).build();
        c.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.OutsideS).setChartTitleFont(
                c.getStyler().getChartTitleFont().deriveFont(13f));
        return c;
    }

    private static void series(XYChart c, String name, LayerBench.Report r, double[] y) {
        double[] x = r.rows().stream().mapToDouble(LayerBench.Row::tokens).toArray();
        c.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
    }

    private static void save(XYChart c, Path png) throws IOException {
        BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static Set<String> kernelNames(LayerBench.Report r) {
        Set<String> k = new LinkedHashSet<>();
        for (var row : r.rows()) k.addAll(row.kernelMs().keySet());
        return k;
    }

    private static List<String> peerNames(LayerBench.Report r) {
        List<String> p = new ArrayList<>();
        for (var row : r.rows()) for (var x : row.peers()) if (!p.contains(x.peer())) p.add(x.peer());
        return p;
    }
}
