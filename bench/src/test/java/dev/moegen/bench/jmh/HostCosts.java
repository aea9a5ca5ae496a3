package dev.moegen.bench.jmh;

import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.opencl.OpenClDialect;
import dev.moegen.codegen.params.ParamResolver;
import dev.moegen.codegen.params.TunedParams;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.exec.DeviceSession;
import dev.moegen.runtime.exec.PlanLayer;
import dev.moegen.verify.reference.LayerInputs;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What moegen costs on the host, warm (steady state, after the JIT): reading a spec, lowering, rendering the
 * source, resolving parameters, and one forward of a layer whose kernels are nearly free (the launch path: upload
 * of x, 8 enqueues, one wait). Cold start is {@link ColdStart}. Run with bench/jmh.sh; results under bench/results.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class HostCosts {
    private String yaml;
    private MoeLayerSpec spec;
    private KernelPlan plan;
    private DeviceSession session;
    private PlanLayer tiny;
    private float[] x;

    @Setup(Level.Trial)
    public void setup() {
        spec = Presets.get("qwen3-30b-a3b").scaled(8);
        yaml = SpecFiles.format(spec, SpecFormat.YAML);
        plan = Lowering.lower(spec, OpenClDialect.TARGET);
        session = Backends.open("opencl");
        MoeLayerSpec small = Presets.get("olmoe-1b-7b").scaled(64);
        tiny = new PlanLayer(session, Lowering.lower(small, session.target()), 1);
        LayerInputs in = LayerInputs.random(small, 1, 1);
        tiny.setWeights(in.weights());
        x = in.x();
    }

    @TearDown(Level.Trial)
    public void close() {
        session.close();
    }

    @Benchmark
    public MoeLayerSpec parseYamlSpec() {
        return SpecFiles.parse(yaml, SpecFormat.YAML, "bench");
    }

    @Benchmark
    public Object resolveParams() {
        return ParamResolver.resolve(spec, OpenClDialect.TARGET, Map.of(), TunedParams.NONE, 128);
    }

    @Benchmark
    public KernelPlan lower() {
        return Lowering.lower(spec, OpenClDialect.TARGET);
    }

    @Benchmark
    public GeneratedSource emitOpenClSource() {
        return SourceEmitter.emit(plan);
    }

    /** Host path of one forward on PoCL: the kernels of olmoe /64 at T=1 take about 0.08 ms of device time. */
    @Benchmark
    public Object forwardLaunchPath() {
        return tiny.launch(x, 1);
    }
}
