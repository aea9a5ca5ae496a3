package dev.moegen.maven;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.dsl.preset.Presets;
import dev.moegen.dsl.spec.SpecException;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import dev.moegen.testkit.Guards;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generate goal's work as a library call: outputs, incrementality, errors, and ownership of the output folder. */
class BuildGenerationTest {
    private static BuildRequest request(Path out, List<Path> specs, List<String> presets, List<String> backends, int tokens) {
        return new BuildRequest(specs, presets, 64, backends, null, tokens, out, false);
    }

    private static Path spec(Path dir, String name, int hidden) throws Exception {
        var s = Presets.get("mixtral-8x7b").scaled(64);
        s = dev.moegen.dsl.layer.MoeLayerSpec.builder(name).dtype(s.dtype()).hidden(hidden).intermediate(s.intermediate()).experts(8, 2)
                .routing(s.routing()).activation(s.activation()).build();
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, SpecFiles.format(s, SpecFormat.YAML));
        return f;
    }

    private static Map<Path, FileTime> times(Path root) throws Exception {
        var m = new java.util.TreeMap<Path, FileTime>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) m.put(root.relativize(p), Files.getLastModifiedTime(p));
        }
        return m;
    }

    @Test
    void generatesLaunchersAndKernelResourcesForSpecsAndPresetsOnBothBackends(@TempDir Path dir) throws Exception {
        Guards.nvcc(dev.moegen.codegen.cuda.Nvcc.find().isPresent());
        Path out = dir.resolve("out");
        List<String> log = new ArrayList<>();
        var o = BuildGeneration.run(request(out, List.of(spec(dir, "my-layer", 128)), List.of("qwen3-30b-a3b"), List.of("opencl", "cuda"), 0), log::add);
        assertTrue(o.regenerated());
        assertEquals(List.of("my-layer", "qwen3-30b-a3b/s64"), o.layers());
        Path launcher = out.resolve("java/dev/moegen/generated/MyLayerLayer.java");
        String java = Files.readString(launcher);
        assertTrue(java.contains("case \"opencl\" ->") && java.contains("case \"cuda/sm_80\" ->") && java.contains("case \"cuda/sm_90a\" ->"),
                "one launcher, parameters per target:\n" + java);
        assertTrue(java.contains("gemm=mma") && java.contains("gemm=wgmma"), "sm_80 plans mma, sm_90a wgmma");
        assertTrue(Files.exists(out.resolve("java/dev/moegen/generated/Qwen3_30bA3bS64Layer.java")), log.toString());
        for (String f : List.of("resources/moegen/my_layer/opencl/my_layer.cl", "resources/moegen/my_layer/opencl/plan.json",
                "resources/moegen/my_layer/opencl/manifest.json", "resources/moegen/my_layer/cuda/sm_90a/my_layer.cu", "resources/moegen/my_layer/cuda/sm_80/resources.txt"))
            assertTrue(Files.size(out.resolve(f)) > 100, f);
        try (Stream<Path> s = Files.list(out.resolve("resources/moegen/my_layer/cuda/sm_80"))) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.contains("my_layer.sm_80.ptx") && names.contains("my_layer.sm_80.cubin"), names.toString());
            assertFalse(names.stream().anyMatch(n -> n.contains("sm_90a")), "the sm_80 plan is compiled for sm_80 alone: " + names);
        }
        assertFalse(Files.exists(out.resolve("resources/moegen/my_layer/opencl/java")), "the launcher is not a resource");
    }

    @Test
    void nothingIsRegeneratedUntilASpecTheBackendsOrTheBucketChange(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out"), f = spec(dir, "inc", 64);
        assertTrue(BuildGeneration.run(request(out, List.of(f), List.of(), List.of("opencl"), 0), s -> {}).regenerated());
        var before = times(out);
        Thread.sleep(20);
        List<String> log = new ArrayList<>();
        assertFalse(BuildGeneration.run(request(out, List.of(f), List.of(), List.of("opencl"), 0), log::add).regenerated(), "unchanged: up to date");
        assertTrue(log.stream().anyMatch(l -> l.contains("up to date")), log.toString());
        assertEquals(before, times(out), "no file touched");
        Files.writeString(f, Files.readString(f).replace("hidden: 64", "hidden: 80"));
        assertTrue(BuildGeneration.run(request(out, List.of(f), List.of(), List.of("opencl"), 0), s -> {}).regenerated(), "a spec edit regenerates");
        assertTrue(Files.readString(out.resolve("java/dev/moegen/generated/IncLayer.java")).contains("HIDDEN = 80"));
        assertFalse(BuildGeneration.run(request(out, List.of(f), List.of(), List.of("opencl"), 0), s -> {}).regenerated());
        assertTrue(BuildGeneration.run(request(out, List.of(f), List.of("olmoe-1b-7b"), List.of("opencl"), 0), s -> {}).regenerated(), "another layer");
        assertTrue(Files.exists(out.resolve("java/dev/moegen/generated/IncLayer.java")), "layers that stay are written again");
        assertTrue(BuildGeneration.run(request(out, List.of(), List.of("olmoe-1b-7b"), List.of("opencl"), 0), s -> {}).regenerated(), "a layer removed");
        assertFalse(Files.exists(out.resolve("java/dev/moegen/generated/IncLayer.java")), "a removed layer's launcher goes: the folder is written whole");
        Files.delete(out.resolve("java/dev/moegen/generated/Olmoe1b7bS64Layer.java"));
        assertTrue(BuildGeneration.run(request(out, List.of(), List.of("olmoe-1b-7b"), List.of("opencl"), 0), s -> {}).regenerated(),
                "a generated file gone: generated again");
        assertTrue(Files.exists(out.resolve("java/dev/moegen/generated/Olmoe1b7bS64Layer.java")));
    }

    @Test
    void aBadSpecFailsNamingTheFileAndTheField(@TempDir Path dir) throws Exception {
        Path f = spec(dir, "bad", 64);
        Files.writeString(f, Files.readString(f).replace("top_k: 2", "top_k: 9"));
        Path out = dir.resolve("out");
        var e = assertThrows(SpecException.class, () -> BuildGeneration.run(request(out, List.of(f), List.of(), List.of("opencl"), 0), s -> {}));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("top_k = 9: must be in [1, experts = 8]"), e.getMessage());
        var p = assertThrows(SpecException.class, () -> BuildGeneration.run(request(out, List.of(), List.of("mixtral"), List.of("opencl"), 0), s -> {}));
        assertTrue(p.getMessage().contains("<presets> mixtral"), p.getMessage());
        var b = assertThrows(IllegalArgumentException.class, () -> BuildGeneration.run(request(out, List.of(), List.of("olmoe-1b-7b"), List.of("metal"), 0), s -> {}));
        assertTrue(b.getMessage().contains("metal"), b.getMessage());
        assertFalse(Files.exists(out), "nothing written on bad input");
    }

    @Test
    void aFolderMoegenDidNotWriteIsNeverReplaced(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(out.resolve("notes.txt"), "keep me");
        var e = assertThrows(IllegalArgumentException.class,
                () -> BuildGeneration.run(request(out, List.of(), List.of("olmoe-1b-7b"), List.of("opencl"), 0), s -> {}));
        assertTrue(e.getMessage().contains("did not write"), e.getMessage());
        assertEquals("keep me", Files.readString(out.resolve("notes.txt")));
    }

    /** A cuda backend without nvcc fails naming what to do, or with allowSourceOnly generates the source only and says so. */
    @Test
    void cudaWithoutNvccFailsOrGeneratesSourceOnly(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out"), f = spec(dir, "nonvcc", 64);
        var noNvcc = (java.util.function.Predicate<dev.moegen.codegen.platform.Dialect>) d -> false;
        var e = assertThrows(IllegalStateException.class, () -> BuildGeneration.run(request(out, List.of(f), List.of(), List.of("opencl", "cuda"), 0), s -> {}, noNvcc));
        assertTrue(e.getMessage().contains("nvcc") && e.getMessage().contains("<allowSourceOnly>true</allowSourceOnly>"), e.getMessage());
        assertFalse(Files.exists(out));
        var lenient = new BuildRequest(List.of(f), List.of(), 64, List.of("opencl", "cuda"), null, 0, out, true);
        var o = BuildGeneration.run(lenient, s -> {}, noNvcc);
        assertTrue(o.notes().stream().anyMatch(n -> n.contains("source only")), o.notes().toString());
        Path cuda = out.resolve("resources/moegen/nonvcc/cuda/sm_90a");
        assertTrue(Files.exists(cuda.resolve("nonvcc.cu")));
        try (Stream<Path> s = Files.list(cuda)) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".cubin") || p.toString().endsWith(".ptx")), "no binaries without nvcc");
        }
        assertTrue(Files.readString(cuda.resolve("manifest.json")).contains("none (source only)"));
    }

    /** A tuned entry for the layer's shape changes the parameters, so the output is generated again and says where they came from. */
    @Test
    void aTunedEntryRegeneratesWithItsParameters(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out"), db = Files.createDirectories(dir.resolve("db")), f = spec(dir, "tuned", 64);
        var r = new BuildRequest(List.of(f), List.of(), 64, List.of("opencl"), db, 0, out, false);
        assertTrue(BuildGeneration.run(r, s -> {}).regenerated());
        assertFalse(Files.readString(out.resolve("java/dev/moegen/generated/TunedLayer.java")).contains("tuned: "));
        var spec = SpecFiles.read(f);
        var target = dev.moegen.codegen.opencl.OpenClDialect.TARGET;
        var params = new java.util.LinkedHashMap<String, Object>(Map.of("gemm", "tiled", "block_m", 8, "block_n", 32, "block_k", 16, "mwi", 2, "nwi", 2, "vw", 4));
        var file = new dev.moegen.tune.db.DbFile(dev.moegen.tune.db.DbFile.FORMAT, "test", dev.moegen.codegen.emit.TemplateHash.of(dev.moegen.codegen.params.Family.GROUP_GEMM),
                new dev.moegen.tune.db.DeviceKey("opencl", "", "", ""), dev.moegen.codegen.params.Family.GROUP_GEMM.id(), dev.moegen.tune.db.ShapeKey.of(spec),
                new java.util.TreeMap<>()).with(16, new dev.moegen.tune.db.TunedEntry(params, 1, 2, 10, 0, "bayes", "uniform", "2026-11-30"));
        dev.moegen.tune.db.TuneDb.record(db, file);
        List<String> log = new ArrayList<>();
        assertTrue(BuildGeneration.run(r, log::add).regenerated(), "a tuned entry appeared: " + log);
        String java = Files.readString(out.resolve("java/dev/moegen/generated/TunedLayer.java"));
        assertTrue(java.contains("tuned: ") && java.contains("block_m=8"), java);
        assertFalse(BuildGeneration.run(r, s -> {}).regenerated());
    }

    /** With verifyTokens the kernels are checked on the best backend here (PoCL in CI) before anything is written. */
    @Test
    void verificationRunsBeforeWriting(@TempDir Path dir) throws Exception {
        Guards.openCl(dev.moegen.runtime.opencl.OpenCl.unavailableReason());
        Path out = dir.resolve("out");
        var r = new BuildRequest(List.of(), List.of("deepseek-v3"), 64, List.of("opencl"), null, 0, out, false, List.of(1, 9));
        List<String> log = new ArrayList<>();
        assertTrue(BuildGeneration.run(r, log::add).regenerated());
        assertTrue(log.stream().anyMatch(l -> l.contains("deepseek-v3/s64 verified on") && l.contains("16 checks")), log.toString());
        var bad = new BuildRequest(List.of(), List.of("deepseek-v3"), 64, List.of("opencl"), null, 0, dir.resolve("out2"), false, List.of(0));
        var e = assertThrows(IllegalArgumentException.class, () -> BuildGeneration.run(bad, s -> {}));
        assertTrue(e.getMessage().contains("<verifyTokens> holds 0"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out2")));
    }
}
