package dev.moegen.cli;

import dev.moegen.codegen.generate.Generation;
import dev.moegen.codegen.generate.Generator;
import dev.moegen.codegen.platform.Target;
import dev.moegen.codegen.platform.Dialects;
import dev.moegen.dsl.io.OutputFolder;
import dev.moegen.dsl.layer.MoeLayerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes what {@link Generator#generate} returns; the generation itself is a library call the plugin and the tuner share. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate kernel sources, the kernel plan (JSON), a typed Java launcher and a manifest for a layer; binaries and the resource report where the backend compiles ahead of time.")
final class GenerateCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;
    @Mixin LayerSource layer;
    @Option(names = "--backend", defaultValue = "opencl", description = "opencl or cuda (default: ${DEFAULT-VALUE})") String backend;
    @Option(names = "--arch", description = "architecture to generate for (cuda: sm_80, sm_90a, ...); default: the backend's ahead-of-time target") String arch;
    @Mixin ParamsOption params;
    @Option(names = "--tokens", defaultValue = "0", description = "token bucket whose tuned parameters to use (default: the largest bucket tuned)") int tokens;
    @Option(names = "--out", required = true, description = "output folder, written whole (new or empty; an earlier moegen output only with --force)") Path out;
    @Option(names = "--force", description = "replace an earlier moegen output at --out (never a folder moegen did not write)") boolean force;

    @Override
    public Integer call() throws Exception {
        var dialect = Dialects.parse(backend);
        Target target = arch == null ? dialect.aheadOfTime() : dialect.target(arch);
        MoeLayerSpec s = layer.resolve();
        OutputFolder.check(out, force, "--out");
        var provider = dev.moegen.runtime.exec.Backends.provider(target.backend());
        var device = provider.unavailableReason().isEmpty() ? provider.devices().stream().filter(d -> d.target().arch().equals(target.arch())).findFirst().orElse(null) : null;
        params.useDevice(device, target, cmd.commandLine().getOut());
        var rp = params.resolve(s, target, tokens);
        Generation g = Generator.generate(s, target, rp);
        Path dir = out.toAbsolutePath();
        OutputFolder.write(dir, force, "--out", "generate", tmp -> {
            for (Generation.OutputFile f : g.files()) {
                Path p = tmp.resolve(f.path());
                Files.createDirectories(p.getParent());
                Files.write(p, f.bytes());
            }
        });
        var o = cmd.commandLine().getOut();
        if (g.compiled()) o.print(g.resourceTable());
        o.printf("%s: %d kernels (%s) -> %s%n", s.name(), g.plan().kernels().size(), target.describe(), dir.resolve(g.source().fileName()));
        o.printf("params: %s%n%s%n", ParamsOption.describe(g.params()), ParamsOption.tunedLine(rp));
        o.printf("plan: %s%nlauncher: %s%nmanifest: %s%n", dir.resolve("plan.json"), dir.resolve(g.launcherPath()), dir.resolve("manifest.json"));
        return 0;
    }
}
