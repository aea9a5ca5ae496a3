package dev.moegen.cli;

import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.types.DType;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** --preset P | --spec FILE, with --scale and --dtype: how every command names its layer. */
final class LayerSource {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    static final class Choice {
        @Option(names = "--preset", description = "a preset name (see `moegen presets`)") String preset;
        @Option(names = "--spec", description = "a spec file (.json, .yaml)") Path spec;
    }

    @Option(names = "--scale", defaultValue = "1", description = "divide hidden/intermediate sizes by S (keeps E, top-k, routing)") int scale;
    @Option(names = "--dtype", description = "override the spec's dtype: fp32, fp16, bf16") String dtype;

    MoeLayerSpec resolve() {
        return resolve(choice, scale, dtype);
    }

    static MoeLayerSpec resolve(Choice choice, int scale, String dtype) {
        if (choice == null) throw new IllegalArgumentException("a layer is required: --preset P or --spec FILE");
        MoeLayerSpec s = choice.preset != null ? Presets.get(choice.preset) : SpecFiles.read(choice.spec);
        s = s.scaled(scale);
        if (dtype != null) {
            DType d = java.util.Arrays.stream(new DType[] {DType.FP32, DType.FP16, DType.BF16}).filter(x -> x.id().equalsIgnoreCase(dtype.trim())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--dtype = '" + dtype + "': allowed: fp32, fp16, bf16"));
            s = s.withDtype(d);
        }
        return s.validated();
    }
}
