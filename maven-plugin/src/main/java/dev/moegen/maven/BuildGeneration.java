package dev.moegen.maven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.moegen.codegen.emit.Identifiers;
import dev.moegen.codegen.emit.SourceEmitter;
import dev.moegen.codegen.emit.TemplateHash;
import dev.moegen.codegen.generate.Generation;
import dev.moegen.codegen.generate.Generator;
import dev.moegen.codegen.launcher.LauncherGenerator;
import dev.moegen.codegen.params.Family;
import dev.moegen.codegen.params.ParamResolver;
import dev.moegen.codegen.params.ResolvedParams;
import dev.moegen.codegen.params.TunedParams;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.platform.Dialect;
import dev.moegen.codegen.platform.Dialects;
import dev.moegen.codegen.platform.Target;
import dev.moegen.dsl.io.OutputFolder;
import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.dsl.spec.SpecException;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import dev.moegen.runtime.exec.Prebuilt;
import dev.moegen.tune.db.DeviceKey;
import dev.moegen.tune.db.TuneDb;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The generate goal's work, without Maven: every layer (spec files, then presets) on every backend, kernels under
 * {@code resources/moegen/<layer>/<backend>/}, one launcher per layer under {@code java/}, written whole into the
 * output folder the plugin owns (never over a folder moegen did not write). Incremental: a fingerprint of what
 * decides the output (generator version, templates, each layer's canonical spec, backends, the parameters resolved
 * from the tuned database, whether nvcc compiles) is kept in the folder's manifest; when it matches, nothing is
 * written.
 */
public final class BuildGeneration {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KIND = "maven-plugin";

    private BuildGeneration() {}

    /** @param regenerated false when the output was up to date */
    public record Outcome(boolean regenerated, List<String> layers, List<String> notes) {}

    public static Outcome run(BuildRequest r, Consumer<String> log) throws IOException {
        return run(r, log, d -> d.toolchain().isPresent());
    }

    /** @param hasToolchain whether a backend's ahead-of-time compiler is here (tests stand in for a machine without nvcc) */
    static Outcome run(BuildRequest r, Consumer<String> log, java.util.function.Predicate<Dialect> hasToolchain) throws IOException {
        List<MoeLayerSpec> layers = layers(r);
        if (layers.isEmpty()) throw new IllegalArgumentException("moegen: nothing to generate: give <specs> and/or <presets>");
        if (r.backends().isEmpty()) throw new IllegalArgumentException("moegen: <backends> is empty; allowed: opencl, cuda");
        TuneDb db = TuneDb.named(r.tunedDb());
        for (String w : db.warnings()) log.accept("warning: tuned database: " + w);
        List<String> notes = new ArrayList<>();
        Map<MoeLayerSpec, List<Planned>> plans = new LinkedHashMap<>();
        StringBuilder fp = new StringBuilder(SourceEmitter.GENERATOR_VERSION).append('\n').append(TemplateHash.get()).append('\n');
        for (MoeLayerSpec s : layers) {
            List<Planned> mine = plan(s, r, db, hasToolchain, notes);
            String json = SpecFiles.format(s, SpecFormat.JSON);
            for (Planned p : mine)
                fp.append(json).append('|').append(Prebuilt.key(p.target())).append('|').append(p.params().params())
                        .append('|').append(p.params().tunedFrom()).append('|').append(p.sourceOnly()).append('\n');
            plans.put(s, mine);
        }
        String fingerprint = sha256(fp.toString());
        if (upToDate(r.output(), fingerprint)) {
            log.accept("moegen: " + layers.size() + " layer(s) up to date in " + r.output());
            return new Outcome(false, layers.stream().map(MoeLayerSpec::name).toList(), notes);
        }
        if (!r.verifyTokens().isEmpty()) BuildVerification.check(plans.keySet().stream()
                .map(s -> new BuildVerification.Layer(s, plans.get(s).stream().collect(java.util.stream.Collectors.toMap(
                        p -> Prebuilt.key(p.target()), p -> p.params().params())))).toList(), r.verifyTokens(), log);
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (var e : plans.entrySet()) {
            MoeLayerSpec s = e.getKey();
            String layer = Identifiers.snake(s.name());
            List<KernelPlan> ps = new ArrayList<>();
            List<String> tunedFrom = new ArrayList<>();
            for (Planned p : e.getValue()) {
                Generation g = Generator.generate(s, p.target(), p.params(), p.sourceOnly(), true); // each architecture its own plan and cubin
                ps.add(g.plan());
                tunedFrom.add(p.params().tunedFrom());
                for (Generation.OutputFile f : g.files())
                    if (!f.path().equals(g.launcherPath()))
                        out.put("resources/" + LauncherGenerator.RESOURCE_ROOT + layer + "/" + Prebuilt.key(p.target()) + "/" + f.path(), f.bytes());
                log.accept("moegen: " + s.name() + " " + p.target().describe() + ": " + g.plan().kernels().size() + " kernels"
                        + (g.compiled() ? ", compiled" : "") + (p.params().tunedFrom().isEmpty() ? "" : ", tuned: " + p.params().tunedFrom()));
            }
            String launcher = "java/" + LauncherGenerator.PACKAGE.replace('.', '/') + "/" + LauncherGenerator.className(s) + ".java";
            if (out.containsKey(launcher))
                throw new IllegalArgumentException("moegen: two layers make launcher " + LauncherGenerator.className(s) + "; give the specs distinct names");
            out.put(launcher, LauncherGenerator.generate(ps, tunedFrom).toString().getBytes(StandardCharsets.UTF_8));
        }
        OutputFolder.write(r.output(), true, "<outputDirectory>", KIND, tmp -> {
            for (var f : out.entrySet()) {
                Path p = tmp.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, f.getValue());
            }
            var m = JSON.createObjectNode().put("generator", OutputFolder.GENERATOR).put("kind", KIND).put("fingerprint", fingerprint);
            var files = m.putArray("files");
            out.keySet().forEach(files::add);
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(OutputFolder.MANIFEST).toFile(), m);
        });
        log.accept("moegen: generated " + layers.size() + " layer(s) into " + r.output());
        return new Outcome(true, layers.stream().map(MoeLayerSpec::name).toList(), notes);
    }

    private record Planned(Target target, ResolvedParams params, boolean sourceOnly) {}

    /** The layer on every target asked for (CUDA: one per architecture), parameters from the tuned database or the heuristic. */
    private static List<Planned> plan(MoeLayerSpec s, BuildRequest r, TuneDb db, java.util.function.Predicate<Dialect> hasToolchain, List<String> notes) {
        List<Planned> out = new ArrayList<>();
        for (String b : r.backends()) {
            Dialect dialect = Dialects.parse(b);
            boolean sourceOnly = dialect.compilesAheadOfTime() && !hasToolchain.test(dialect);
            if (sourceOnly && !r.allowSourceOnly())
                throw new IllegalStateException("moegen: backend " + b + " for layer '" + s.name() + "': " + dialect.toolchainHint()
                        + "; install it, or set <allowSourceOnly>true</allowSourceOnly> to generate CUDA source without binaries");
            if (sourceOnly) notes.add(s.name() + " " + b + ": source only (no nvcc): no .ptx/.cubin, kernels compile when loaded");
            List<Target> targets = dialect.compilesAheadOfTime() ? r.cudaArchs().stream().map(dialect::target).toList() : List.of(dialect.aheadOfTime());
            for (Target target : targets) {
                TunedParams tuned = db.forDevice(new DeviceKey(target.backend().id(), "", "", target.arch()), Family.GROUP_GEMM.id());
                out.add(new Planned(target, ParamResolver.resolve(s, target, Map.of(), tuned, r.tokens()), sourceOnly));
            }
        }
        return out;
    }

    /** Spec files then presets; a bad file fails naming it and every problem (field, value, allowed range). */
    static List<MoeLayerSpec> layers(BuildRequest r) {
        List<MoeLayerSpec> out = new ArrayList<>();
        for (Path f : r.specs()) out.add(SpecFiles.read(f));
        for (String p : r.presets()) {
            MoeLayerSpec s;
            try {
                s = Presets.get(p);
            } catch (IllegalArgumentException e) {
                throw new SpecException("<presets> " + p, List.of(e.getMessage()));
            }
            out.add(r.scale() == 1 ? s : s.scaled(r.scale()));
        }
        return out;
    }

    /** Whether {@code dir} holds the plugin's output with this fingerprint and every file it listed. */
    static boolean upToDate(Path dir, String fingerprint) {
        Path m = dir.resolve(OutputFolder.MANIFEST);
        if (!Files.isRegularFile(m)) return false;
        try {
            JsonNode n = JSON.readTree(m.toFile());
            if (!KIND.equals(n.path("kind").asText()) || !fingerprint.equals(n.path("fingerprint").asText(null))) return false;
            for (JsonNode f : n.path("files")) if (!Files.isRegularFile(dir.resolve(f.asText()))) return false;
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
