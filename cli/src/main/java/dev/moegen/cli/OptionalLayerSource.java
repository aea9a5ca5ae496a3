package dev.moegen.cli;

import dev.moegen.dsl.layer.MoeLayerSpec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** {@link LayerSource} for a command whose subcommands need no layer (`tune merge`): the layer is checked when the command itself runs. */
final class OptionalLayerSource {
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    LayerSource.Choice choice;

    @Option(names = "--scale", defaultValue = "1", description = "divide hidden/intermediate sizes by S (keeps E, top-k, routing)") int scale;
    @Option(names = "--dtype", description = "override the spec's dtype: fp32, fp16, bf16") String dtype;

    MoeLayerSpec resolve() {
        return LayerSource.resolve(choice, scale, dtype);
    }
}
