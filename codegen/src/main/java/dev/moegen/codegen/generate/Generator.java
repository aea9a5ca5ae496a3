package dev.moegen.codegen.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.emit.Identifiers;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.emit.TemplateHash;
import dev.moegen.codegen.launcher.LauncherGenerator;
import dev.moegen.codegen.params.ResolvedParams;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.plan.Lowering;
import dev.moegen.codegen.platform.Dialect;
import dev.moegen.codegen.platform.Dialects;
import dev.moegen.codegen.platform.Target;
import dev.moegen.codegen.platform.Toolchain;
import dev.moegen.dsl.io.AtomicFiles;
import dev.moegen.dsl.io.Cleanup;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generation as a library call: spec + target + parameters → a {@link Generation} holding the kernel source, the
 * plan, the typed Java launcher, binaries and the resource report where the backend compiles ahead of time, and a
 * {@link Manifest}. Nothing is written to the caller's folders; binaries are compiled in a private temp folder.
 */
public final class Generator {
    private Generator() {}

    public static Generation generate(MoeLayerSpec spec, Target target, ResolvedParams params) throws IOException {
        return generate(spec, target, params, false, false);
    }

    /**
     * @param sourceOnly     skip the ahead-of-time compile (CUDA without nvcc, when the caller allows it): the source, plan,
     *                       launcher and manifest only; the manifest's toolchain then reads "none (source only)"
     * @param targetArchOnly compile for the target's architecture alone (the build-time plugin plans each architecture
     *                       with its own parameters), not every architecture the toolchain knows
     */
    public static Generation generate(MoeLayerSpec spec, Target target, ResolvedParams params, boolean sourceOnly, boolean targetArchOnly) throws IOException {
        KernelPlan plan = Lowering.lower(spec, target, params.params());
        Dialect dialect = Dialects.get(target.backend());
        GeneratedSource src = SourceEmitter.emit(plan);
        List<Generation.OutputFile> files = new ArrayList<>();
        files.add(text(src.fileName(), src.text()));
        files.add(text("plan.json", json(plan)));
        String launcher = "java/" + LauncherGenerator.PACKAGE.replace('.', '/') + "/" + LauncherGenerator.className(spec) + ".java";
        files.add(text(launcher, LauncherGenerator.generate(plan, params.tunedFrom()).toString()));
        Toolchain.Compiled compiled = null;
        String toolchain = "";
        if (sourceOnly) toolchain = "none (source only)";
        else if (dialect.compilesAheadOfTime()) {
            Toolchain tc = dialect.toolchain().orElseThrow(() -> new IllegalStateException(
                    "--backend " + target.backend() + " needs its compiler: " + dialect.toolchainHint()));
            toolchain = tc.describe();
            compiled = compile(tc, src, files, targetArchOnly && !target.arch().isEmpty() ? target.arch() : null);
        }
        Generation draft = new Generation(plan, params, src, launcher, files, compiled == null ? List.of() : compiled.resources(),
                compiled == null ? List.of() : compiled.warnings(), null);
        if (compiled != null) {
            files.add(text("resources.txt", draft.resourceTable()));
            files.add(text("ptxas.log", compiled.log()));
        }
        List<String> names = new ArrayList<>(files.stream().map(Generation.OutputFile::path).toList());
        names.add(Manifest.FILE);
        Manifest m = new Manifest(Manifest.GENERATOR, SourceEmitter.GENERATOR_VERSION, Identifiers.snake(spec.name()), SourceEmitter.specHash(spec),
                target.backend().id(), target.arch(), TemplateHash.get(), plan.params().byKey(), params.sourcesByKey(), params.tunedFrom(), toolchain, names);
        files.add(text(Manifest.FILE, json(m)));
        return new Generation(plan, params, src, launcher, files, draft.resources(), draft.warnings(), m);
    }

    /** Compiles in a private temp folder and keeps every binary as an output file. */
    private static Toolchain.Compiled compile(Toolchain tc, GeneratedSource src, List<Generation.OutputFile> files, String arch) throws IOException {
        Path tmp = Cleanup.register(Files.createTempDirectory("moegen-generate"));
        try {
            Toolchain.Compiled c = arch == null ? tc.compile(src, tmp) : tc.compileFor(src, tmp, arch);
            for (Path p : c.artifacts()) files.add(new Generation.OutputFile(tmp.relativize(p).toString(), Files.readAllBytes(p)));
            return c;
        } finally {
            AtomicFiles.deleteTree(tmp);
            Cleanup.done(tmp);
        }
    }

    private static Generation.OutputFile text(String path, String text) {
        return new Generation.OutputFile(path, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String json(Object o) {
        try {
            return SpecFiles.mapper(SpecFormat.JSON).writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialising " + o.getClass().getSimpleName(), e);
        }
    }
}
