package dev.moegen.bench.jmh;

import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.opencl.OpenClDialect;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The first call of each step in a fresh JVM (single shot, 5 forks): what a CLI run or a test's first layer pays
 * before any kernel runs. Each benchmark includes the steps before it, as a real first run does.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(5)
public class ColdStart {
    @Benchmark
    public MoeLayerSpec firstPreset() {
        return Presets.get("qwen3-30b-a3b");
    }

    @Benchmark
    public Object firstLowering() {
        return Lowering.lower(Presets.get("qwen3-30b-a3b"), OpenClDialect.TARGET);
    }

    @Benchmark
    public GeneratedSource firstSource() {
        return SourceEmitter.emit(Lowering.lower(Presets.get("qwen3-30b-a3b"), OpenClDialect.TARGET));
    }
}
