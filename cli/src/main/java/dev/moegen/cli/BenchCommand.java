package dev.moegen.cli;

import dev.moegen.bench.LayerBench;
import dev.moegen.bench.peer.PeerKind;
import dev.moegen.bench.peer.PythonPeer;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.KernelRole;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.harness.budget.MemoryBudget;
import dev.moegen.dsl.io.AtomicFiles;
import dev.moegen.dsl.io.TextTable;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import dev.moegen.runtime.exec.DeviceSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time a layer's kernels with device events and report each figure against floors measured on the same device in the same run.")
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;
    @Mixin LayerSource layer;
    @Option(names = "--tokens", split = ",", defaultValue = "1,16,128", description = "token counts (default: ${DEFAULT-VALUE})") List<Integer> tokens;
    @Mixin BackendOption backend;
    @Mixin ParamsOption params;
    @Option(names = "--reps", defaultValue = "10", description = "timed runs per point; the median is reported (default: ${DEFAULT-VALUE})") int reps;
    @Option(names = "--floor-mib", defaultValue = "256", description = "bytes copied to measure bandwidth, MiB (default: ${DEFAULT-VALUE})") int floorMib;
    @Option(names = "--flush-mib", defaultValue = "128", description = "buffer touched before each run to flush caches, MiB (default: ${DEFAULT-VALUE})") int flushMib;
    @Option(names = "--out", description = "write the report as JSON (atomically)") Path out;
    @Option(names = "--peers", defaultValue = "auto", description = "numpy: time the NumPy peer on the same inputs, alternating with moegen's runs, and take "
            + "NumPy's sgemm and copy as independent floors; torch: the PyTorch peers on the GPU (an eager loop over the experts and torch._grouped_mm); "
            + "auto: torch on a CUDA device where python3 has PyTorch with CUDA, else numpy where python3 has NumPy, when the layer's weights fit in 2 GiB "
            + "of fp32 on the host; none (default: ${DEFAULT-VALUE})")
    String peers;
    @Option(names = "--report", description = "write report.json, report.md and PNG charts (time and %% of floor vs T per kernel, moegen vs peers) into this folder")
    Path report;
    @Option(names = "--force", description = "replace an earlier moegen report in the --report folder") boolean force;

    @Override
    public Integer call() throws Exception {
        if (reps < 1) throw new IllegalArgumentException("--reps = " + reps + ": must be >= 1");
        for (int t : tokens) if (t < 1) throw new IllegalArgumentException("--tokens: " + t + " must be >= 1");
        MoeLayerSpec s = layer.resolve();
        if (report != null) dev.moegen.dsl.io.OutputFolder.check(report, force, "--report"); // before minutes of measuring
        var o = cmd.commandLine().getOut();
        LayerBench.Report r;
        List<String> header = new ArrayList<>(List.of("T", "experts hit", "total ms", "spread", "wall ms", "gemm1 ms", "gemm2 ms", "MB moved", "GFLOP", "floor ms",
                "of floor", "bound", "gemm weights/BW", "gemm FLOP/peak"));
        try (DeviceSession dev = backend.open()) {
            List<PeerKind> peerKinds = peers(s, dev, o);
            for (PeerKind k : peerKinds) header.addAll(List.of(k.label() + " ms", k.label() + " spread", k.label() + "/moegen"));
            params.useDevice(dev.device(), dev.target(), o);
            var rp = params.resolve(s, dev.target(), tokens.stream().mapToInt(Integer::intValue).max().orElseThrow());
            KernelPlan plan = Lowering.lower(s, dev.target(), rp.params());
            int maxT = tokens.stream().mapToInt(Integer::intValue).max().orElseThrow();
            MemoryBudget.checkDevice(plan, maxT, dev.target().limits().globalMemBytes(), sc -> params.plan(s.scaled(sc), dev.target()));
            // the header first and each row as it is measured: an interrupted run keeps what it printed
            o.printf("layer %s  %s  device %s: %s%n", s.name(), s.dtype().id(), dev.backend(), dev.describe());
            java.util.Map<Integer, KernelPlan> plans = new java.util.HashMap<>();
            for (ParamsOption.PlanGroup g : params.groups(s, dev.target(), tokens, plan))
                for (int t : g.tokens()) plans.put(t, g.plan());
            for (int t : tokens) { // one header per token count, in the order asked
                var rt = params.resolve(s, dev.target(), t);
                o.println(new ParamsOption.PlanGroup(rt, plans.get(t), List.of(t)).header());
            }
            o.flush();
            try (Progress bar = Progress.start("bench", tokens.size() + 1)) {
                var opts = new LayerBench.Options(reps, floorMib * (1L << 20), flushMib * (1L << 20), 1, peerKinds, true);
                r = LayerBench.run(dev, plans::get, tokens.stream().mapToInt(Integer::intValue).toArray(), opts,
                        f -> {
                            o.printf("floors (measured now): copy bandwidth %.1f GB/s over %d MiB, fp32 FMA %.1f GFLOP/s, tensor cores (%s) %.1f GFLOP/s%n",
                                    f.bandwidthBytesPerSec() / 1e9, f.copyBytes() >> 20, f.fp32FlopsPerSec() / 1e9, f.tensorKind(), f.tensorFlopsPerSec() / 1e9);
                            if (f.independentSource() != null)
                                o.printf("  moegen's floor kernels: copy %.1f GB/s, FMA %.1f GFLOP/s; %s on this machine: copy %.1f GB/s, sgemm %.1f GFLOP/s%n",
                                        f.ownBandwidth() / 1e9, f.ownFp32Flops() / 1e9, f.independentSource(), f.independentBandwidth() / 1e9, f.independentFlops() / 1e9);
                            for (String w : f.shortfalls()) o.println("  note: " + w);
                            o.flush();
                            bar.step();
                        },
                        row -> {
                            o.println(TextTable.render(header, List.of(cells(row))));
                            o.flush();
                            bar.step();
                        });
            }
        }
        if (out != null) {
            AtomicFiles.file(out, tmp -> SpecFiles.mapper(SpecFormat.JSON).writeValue(tmp.toFile(), r));
            o.println("wrote " + out.toAbsolutePath());
        }
        if (report != null) {
            dev.moegen.bench.report.BenchReports.write(report, force, r);
            o.println("wrote " + report.toAbsolutePath() + " (report.json, report.md, charts)");
        }
        return 0;
    }

    /** The peers to run: asked for, or auto and possible here (said in one line when auto finds none). */
    private List<PeerKind> peers(MoeLayerSpec s, DeviceSession session, java.io.PrintWriter o) {
        List<PeerKind> torch = List.of(PeerKind.TORCH_EAGER, PeerKind.TORCH_GROUPED_MM);
        long weightBytes = 4L * (LayerBench.weightElements(s));
        var tooBig = weightBytes > (2L << 30)
                ? java.util.Optional.of("the layer's weights need " + (weightBytes >> 20) + " MiB as fp32 on the host (over 2 GiB); use --scale") : java.util.Optional.<String>empty();
        switch (peers) {
            case "none" -> { return List.of(); }
            case "numpy", "torch" -> {
                PeerKind k = peers.equals("numpy") ? PeerKind.NUMPY : PeerKind.TORCH_EAGER;
                var why = tooBig.or(() -> PythonPeer.unavailableReason(k));
                if (why.isPresent()) throw new IllegalArgumentException("--peers " + peers + ": " + why.get());
                return peers.equals("numpy") ? List.of(PeerKind.NUMPY) : torch;
            }
            case "auto" -> {
                if (tooBig.isPresent()) {
                    o.println("peers: none (" + tooBig.get() + ")");
                    return List.of();
                }
                var noTorch = session.backend() == dev.moegen.codegen.platform.BackendId.CUDA ? PythonPeer.unavailableReason(PeerKind.TORCH_EAGER)
                        : java.util.Optional.of("not a CUDA device");
                if (noTorch.isEmpty()) return torch;
                var noNumpy = PythonPeer.unavailableReason(PeerKind.NUMPY);
                if (noNumpy.isEmpty()) return List.of(PeerKind.NUMPY);
                o.println("peers: none (" + noNumpy.get() + ")");
                return List.of();
            }
            default -> throw new IllegalArgumentException("--peers = '" + peers + "': allowed: auto, numpy, torch, none");
        }
    }

    private static List<String> cells(LayerBench.Row row) {
        List<String> c = new ArrayList<>(List.of("" + row.tokens(), "" + row.expertsTouched(), String.format("%.3f", row.totalMs()),
                String.format("%.3f–%.3f", row.minMs(), row.maxMs()), String.format("%.3f", row.wallMs()),
                String.format("%.3f", row.kernelMs().getOrDefault(KernelRole.GROUP_GEMM_1.entry(), 0.0)),
                String.format("%.3f", row.kernelMs().getOrDefault(KernelRole.GROUP_GEMM_2.entry(), 0.0)),
                String.format("%.2f", row.bytes() / 1e6), String.format("%.3f", row.flops() / 1e9), String.format("%.3f", row.floorMs()),
                String.format("%.1f%%", 100 * row.floorFraction()), row.bound(),
                String.format("%.1f%%", 100 * row.gemmWeightBandwidth()), String.format("%.1f%%", 100 * row.gemmComputeFraction())));
        for (LayerBench.PeerRow p : row.peers())
            c.addAll(Double.isNaN(p.medianMs()) ? List.of("–", "–", "–")
                    : List.of(String.format("%.3f", p.medianMs()), String.format("%.3f–%.3f", p.minMs(), p.maxMs()), String.format("%.2f×", p.medianMs() / row.wallMs())));
        return c;
    }
}
