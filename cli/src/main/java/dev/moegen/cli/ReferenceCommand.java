package dev.moegen.cli;

import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import dev.moegen.dsl.io.OutputFolder;
import dev.moegen.harness.budget.MemoryBudget;
import dev.moegen.harness.dump.Dumps;
import dev.moegen.verify.reference.LayerInputs;
import dev.moegen.verify.reference.LayerResult;
import dev.moegen.verify.reference.Reference;
import dev.moegen.verify.stats.LoadStats;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "reference", mixinStandardHelpOptions = true,
        description = "Run the Java reference of a layer on random inputs and dump inputs, weights, routing, permutation and output.")
final class ReferenceCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;
    @Mixin LayerSource layer;
    @Option(names = "--tokens", required = true, description = "token count T") int tokens;
    @Option(names = "--seed", description = "random seed (default: time-based, printed)") Long seed;
    @Option(names = "--block-m", defaultValue = "16", description = "permutation block size (default: ${DEFAULT-VALUE})") int blockM;
    @Option(names = "--dump", description = "folder for .npy files and meta.json (new or empty; an earlier moegen dump only with --force)") Path dump;
    @Option(names = "--force", description = "replace an earlier moegen output at --dump (never a folder moegen did not write)") boolean force;

    @Override
    public Integer call() throws Exception {
        if (tokens < 1) throw new IllegalArgumentException("--tokens = " + tokens + ": must be >= 1");
        if (blockM < 1 || blockM > 256) throw new IllegalArgumentException("--block-m = " + blockM + ": must be in [1, 256]");
        MoeLayerSpec s = layer.resolve();
        if (dump != null) OutputFolder.check(dump, force, "--dump");
        MemoryBudget.checkHost(s, tokens, blockM);
        long sd = seed != null ? seed : System.nanoTime();
        var out = cmd.commandLine().getOut();
        out.printf("layer %s  dtype %s  T=%d  seed %d%n", s.name(), s.dtype().id(), tokens, sd);
        LayerInputs in = LayerInputs.random(s, tokens, sd);
        LayerResult r = Reference.forward(in, blockM);
        LoadStats st = LoadStats.of(in, r.logits(), Reference.route(in, r.logits(), null), r.routing());
        out.println(LoadLine.of(st, s.experts()) + "  padded rows " + r.alignment().numTokensPostPadded());
        double norm = 0;
        for (double v : r.y()) norm += v * v;
        out.printf("||y|| = %.6e%n", Math.sqrt(norm));
        if (dump != null) {
            Dumps.of(s, in, r, sd, blockM).write(dump, force, "--dump");
            out.println("wrote " + dump);
        }
        return 0;
    }
}
