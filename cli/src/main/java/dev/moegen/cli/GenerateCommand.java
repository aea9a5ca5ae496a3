package dev.moegen.cli;

import dev.moegen.codegen.Backend;
import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.launcher.LauncherGenerator;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.dsl.io.AtomicFiles;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate kernel sources, the kernel plan (JSON) and a typed Java launcher for a layer.")
final class GenerateCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;
    @Mixin LayerSource layer;
    @Option(names = "--backend", defaultValue = "opencl", description = "opencl or cuda (default: ${DEFAULT-VALUE})") String backend;
    @Mixin ParamsOption params;
    @Option(names = "--out", required = true, description = "output folder (written atomically)") Path out;

    private String resources;

    /** nvcc → PTX + cubin for sm_80 and sm_90a, and the ptxas resource report beside them. */
    private void compileCuda(Path cu, Path dir) throws java.io.IOException {
        var nvcc = dev.moegen.codegen.cuda.Nvcc.find().orElseThrow(() -> new IllegalStateException(
                "--backend cuda needs nvcc (looked in $CUDA_HOME/bin, $PATH, /usr/local/cuda/bin)"));
        var r = nvcc.compile(cu, dir, dev.moegen.codegen.cuda.Nvcc.DEFAULT_ARCHS);
        List<List<String>> rows = new java.util.ArrayList<>();
        for (var k : r.report().kernels())
            rows.add(List.of(k.kernel(), k.arch(), "" + k.registers(), "" + k.sharedBytes(), "" + k.stackBytes(), "" + (k.spillStoreBytes() + k.spillLoadBytes())));
        resources = Table.render(List.of("kernel", "arch", "registers", "smem B", "stack B", "spill B"), rows) + "\n"
                + (r.report().warnings().isEmpty() ? "ptxas: no warnings\n" : "ptxas warnings:\n  " + String.join("\n  ", r.report().warnings()) + "\n");
        Files.writeString(dir.resolve("resources.txt"), resources);
        Files.writeString(dir.resolve("ptxas.log"), r.log());
    }

    @Override
    public Integer call() throws Exception {
        Backend b = Backend.parse(backend);
        MoeLayerSpec s = layer.resolve();
        KernelPlan plan = params.plan(s, dev.moegen.codegen.plan.Target.of(b));
        GeneratedSource src = SourceEmitter.emit(plan, b);
        Path target = out.toAbsolutePath();
        AtomicFiles.mergeIntoFolder(target, tmp -> {
            Files.writeString(tmp.resolve(src.fileName()), src.text());
            SpecFiles.mapper(SpecFormat.JSON).writeValue(tmp.resolve("plan.json").toFile(), plan);
            LauncherGenerator.generate(plan).writeTo(tmp.resolve("java"));
            if (b == Backend.CUDA) compileCuda(tmp.resolve(src.fileName()), tmp);
        });
        var o = cmd.commandLine().getOut();
        if (resources != null) o.print(resources);
        o.printf("%s: %d kernels (%s) -> %s%n", s.name(), plan.kernels().size(), b.id(), target.resolve(src.fileName()));
        o.printf("plan: %s%nlauncher: %s%n", target.resolve("plan.json"),
                target.resolve("java/" + LauncherGenerator.PACKAGE.replace('.', '/') + "/" + LauncherGenerator.className(s) + ".java"));
        return 0;
    }
}
