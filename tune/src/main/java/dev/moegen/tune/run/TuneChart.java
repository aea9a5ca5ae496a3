package dev.moegen.tune.run;

import dev.moegen.dsl.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG of a tune: per bucket, the best time so far over evaluations, as a fraction of the heuristic's time (1 = no gain). */
public final class TuneChart {
    private TuneChart() {}

    public static void write(Path png, String title, List<MoeTuner.BucketResult> results) throws IOException {
        XYChart c = new XYChartBuilder().width(900).height(560).title(title + ": best so far / heuristic").xAxisTitle("evaluations")
                .yAxisTitle("best time so far / heuristic time").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setChartTitleFont(c.getStyler().getChartTitleFont().deriveFont(13f));
        for (MoeTuner.BucketResult r : results) {
            List<Double> b = r.bestSoFar();
            if (b.isEmpty() || Double.isNaN(r.heuristicMs())) continue;
            double[] x = new double[b.size()], y = new double[b.size()];
            for (int i = 0; i < b.size(); i++) {
                x[i] = i + 1;
                y[i] = b.get(i) * 1e3 / r.heuristicMs();
            }
            c.addSeries("T=" + r.tokens(), x, y).setMarker(SeriesMarkers.NONE);
        }
        if (c.getSeriesMap().isEmpty()) return;
        double n = results.stream().mapToInt(r -> r.bestSoFar().size()).max().orElse(1);
        c.addSeries("heuristic", new double[] {1, Math.max(2, n)}, new double[] {1, 1}).setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DASH_DASH);
        java.nio.file.Files.createDirectories(png.toAbsolutePath().getParent());
        AtomicFiles.file(png, tmp -> {
            Path p = tmp.resolveSibling(tmp.getFileName() + ".png");
            try {
                BitmapEncoder.saveBitmap(c, p.toString(), BitmapEncoder.BitmapFormat.PNG);
                java.nio.file.Files.move(p, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                java.nio.file.Files.deleteIfExists(p);
            }
        });
    }
}
