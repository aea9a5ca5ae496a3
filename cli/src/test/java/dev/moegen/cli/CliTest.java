package dev.moegen.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.verify.npy.NpyBundle;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Moegen.run(new java.io.PrintWriter(out), new java.io.PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void presetsTableListsEveryPreset() {
        Run r = run("presets");
        assertEquals(0, r.code());
        for (String p : dev.moegen.dsl.preset.Presets.names()) assertTrue(r.out().contains(p), p);
        assertTrue(r.out().contains("sigmoid+bias renorm x2.5"), r.out());
    }

    @Test
    void specShowThenValidateRoundTrips(@TempDir Path dir) throws Exception {
        Run show = run("spec", "show", "deepseek-v3", "--format", "json");
        assertEquals(0, show.code());
        Path f = dir.resolve("v3.json");
        Files.writeString(f, show.out());
        Run ok = run("spec", "validate", f.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("valid"));
        Files.writeString(f, show.out().replace("\"top_k\" : 8", "\"top_k\" : 300"));
        Run bad = run("spec", "validate", f.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("top_k = 300: must be in [1, experts = 256]"), bad.err());
    }

    @Test
    void referenceDumpsEverything(@TempDir Path dir) throws Exception {
        Run r = run("reference", "--preset", "qwen1.5-moe-a2.7b", "--scale", "64", "--tokens", "5", "--seed", "7", "--dump", dir.resolve("d").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("seed 7"));
        NpyBundle b = NpyBundle.read(dir.resolve("d"));
        assertArrayEquals(new long[] {5, 8}, b.get("topk_ids").shape(), "4 routed + 4 shared slices");
        assertArrayEquals(new long[] {5, 32}, b.get("y").shape());
        assertEquals("bf16", b.meta().get("spec").get("dtype").asText());
        Run again = run("reference", "--preset", "qwen1.5-moe-a2.7b", "--scale", "64", "--tokens", "5", "--seed", "7");
        assertEquals(r.out().lines().filter(l -> l.startsWith("||y||")).toList(), again.out().lines().filter(l -> l.startsWith("||y||")).toList(), "seed reproduces");
    }

    @Test
    void badInputExitsNonZeroNamingTheProblem() {
        Run r = run("reference", "--preset", "nope", "--tokens", "1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown preset 'nope'"), r.err());
        assertNotEquals(0, run("reference", "--preset", "dbrx").code(), "--tokens is required");
        Run t = run("reference", "--preset", "dbrx", "--scale", "64", "--tokens", "0");
        assertTrue(t.err().contains("--tokens = 0"), t.err());
    }

    /** Peers asked for by name that cannot run here say why (no PyTorch, or no GPU for it) and exit 2; a peer name not known lists the allowed ones. */
    @Test
    void peersThatCannotRunSayWhy() {
        dev.moegen.testkit.Guards.openCl(dev.moegen.runtime.opencl.OpenCl.unavailableReason());
        var torch = dev.moegen.bench.peer.PythonPeer.unavailableReason(dev.moegen.bench.peer.PeerKind.TORCH_EAGER);
        org.junit.jupiter.api.Assumptions.assumeTrue(torch.isPresent(), "PyTorch with a GPU is here");
        Run r = run("bench", "--preset", "mixtral-8x7b", "--scale", "64", "--tokens", "1", "--reps", "1", "--peers", "torch");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--peers torch: ") && r.err().contains("torch eager"), r.err());
        Run bad = run("bench", "--preset", "mixtral-8x7b", "--scale", "64", "--tokens", "1", "--peers", "jax");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("allowed: auto, numpy, torch, none"), bad.err());
    }

    @Test
    void verifyPrintsATableAndPassesThenReadsADump(@TempDir Path dir) throws Exception {
        dev.moegen.testkit.Guards.openCl(dev.moegen.runtime.opencl.OpenCl.unavailableReason());
        Run r = run("verify", "--preset", "deepseek-v2-lite", "--scale", "64", "--tokens", "3,20", "--seed", "5", "--dump", dir.resolve("d").toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("16 checks, 16 passed, 0 failed"), r.out());
        assertTrue(r.out().contains("moe_group_gemm_1") && r.out().contains("PASS"));
        NpyBundle dump = NpyBundle.read(dir.resolve("d/T20"));
        assertArrayEquals(new long[] {20, 8}, dump.get("kernel_topk_ids").shape(), "6 routed + 2 shared slots");
        Run again = run("verify", "--preset", "deepseek-v2-lite", "--scale", "64", "--inputs", dir.resolve("d/T20").toString());
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("8 checks, 8 passed"), again.out());
        Run wrong = run("verify", "--preset", "qwen3-30b-a3b", "--scale", "64", "--inputs", dir.resolve("d/T20").toString());
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("x.npy has shape [20, 32], want [T, 32]") || wrong.err().contains("w_router.npy has"), wrong.err());
    }

    @Test
    void generateWritesSourcesPlanAndLauncher(@TempDir Path dir) throws Exception {
        // an empty database: the heuristic's values (the shipped database may hold entries for this very CPU)
        Files.createDirectories(dir.resolve("no-db"));
        Run r = run("generate", "--preset", "olmoe-1b-7b", "--backend", "opencl", "--db", dir.resolve("no-db").toString(), "--out", dir.resolve("g").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(dir.resolve("g/olmoe_1b_7b.cl")).contains("KERNEL_WG(GATE_WG) void moe_gating("));
        assertTrue(Files.readString(dir.resolve("g/plan.json")).contains("\"moe_align_scan\""));
        assertTrue(Files.exists(dir.resolve("g/java/dev/moegen/generated/Olmoe1b7bLayer.java")));
        var manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("g/manifest.json").toFile());
        assertEquals("opencl", manifest.get("backend").asText());
        var plan = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("g/plan.json").toFile());
        assertEquals("opencl", plan.get("target").get("backend").get("id").asText(), "plan.json records its backend");
        assertEquals(dev.moegen.codegen.emit.TemplateHash.get(), manifest.get("template_hash").asText());
        assertEquals("heuristic", manifest.get("param_sources").get("block_m").asText());
        assertEquals(16, manifest.get("params").get("block_m").asInt());
        assertTrue(r.out().contains("params: gemm=tiled, block_m=16"), r.out());
        Run pinned = run("generate", "--preset", "olmoe-1b-7b", "--backend", "opencl", "--param", "block_m=32", "--out", dir.resolve("p").toString());
        assertEquals(0, pinned.code(), pinned.err());
        var m2 = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("p/manifest.json").toFile());
        assertEquals("override", m2.get("param_sources").get("block_m").asText());
        assertTrue(Files.readString(dir.resolve("p/olmoe_1b_7b.cl")).contains("#define BLOCK_M 32"));
        Run bad = run("generate", "--preset", "olmoe-1b-7b", "--backend", "metal", "--out", dir.resolve("h").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("backend = 'metal': allowed: cuda, opencl"), bad.err());
        assertFalse(Files.exists(dir.resolve("h")), "nothing half-written");
        if (dev.moegen.runtime.cuda.Cuda.unavailableReason().isPresent()) {
            Run cuda = run("verify", "--preset", "olmoe-1b-7b", "--scale", "64", "--backend", "cuda");
            assertEquals(1, cuda.code(), "a named backend that is missing fails; no silent fallback");
            assertTrue(cuda.err().contains("CUDA backend unavailable: cannot load libcuda.so.1"), cuda.err());
        }
    }

    @Test
    void paramsPrintsTheSpaceAndWhereEachValueComesFrom() {
        Run r = run("params", "--preset", "qwen3-30b-a3b", "--backend", "cuda", "--arch", "sm_90a", "--param", "gemm=mma");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*group_gemm\\s+gemm\\s+simt \\| tiled \\| mma \\| wgmma\\s+mma\\s+override.*"), r.out());
        assertTrue(r.out().matches("(?s).*group_gemm\\s+stages\\s+.*?\\s3\\s+heuristic.*"), "gemm=mma alone brings the tensor-core stages: " + r.out());
        assertTrue(r.out().contains("tc-registers") && r.out().contains("wgmma-swizzle"), r.out());
        assertTrue(r.out().matches("(?s).*\\ngroup_gemm\\s+\\d+\\s+\\d+\\s+\\d+\\.\\d%.*"), r.out());
        Run bad = run("params", "--preset", "qwen3-30b-a3b", "--backend", "cuda", "--param", "block_m=256,warps_m=16,block_n=128,gemm=mma");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("registers") && bad.err().contains("lower block_n or block_m"), bad.err());
    }

    @Test
    void outputFoldersNeverLoseWhatMoegenDidNotWrite(@TempDir Path dir) throws Exception {
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep me");
        Run foreign = run("reference", "--preset", "olmoe-1b-7b", "--scale", "64", "--tokens", "2", "--dump", mine.toString(), "--force");
        assertEquals(2, foreign.code(), foreign.err());
        assertTrue(foreign.err().contains("--dump " + mine + ": a non-empty folder moegen did not write"), foreign.err());
        assertEquals(List.of("notes.txt"), Files.list(mine).map(p -> p.getFileName().toString()).toList(), "untouched, even with --force");
        Path file = Files.writeString(dir.resolve("a-file"), "data");
        Run onFile = run("generate", "--preset", "olmoe-1b-7b", "--out", file.toString());
        assertEquals(2, onFile.code());
        assertTrue(onFile.err().contains("is a file, not a folder"), onFile.err());
        assertEquals("data", Files.readString(file));

        Path out = dir.resolve("g");
        assertEquals(0, run("generate", "--preset", "olmoe-1b-7b", "--backend", "opencl", "--out", out.toString()).code());
        Files.writeString(out.resolve("stale.cu"), "from an earlier run");
        Run again = run("generate", "--preset", "olmoe-1b-7b", "--backend", "opencl", "--out", out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("holds an earlier moegen output; add --force to replace it"), again.err());
        Path stale = Files.createDirectories(dir.resolve(".g.tmp-999999999-1")); // a temporary of a run that died
        Run forced = run("generate", "--preset", "olmoe-1b-7b", "--backend", "opencl", "--param", "block_m=32", "--out", out.toString(), "--force");
        assertEquals(0, forced.code(), forced.err());
        assertFalse(Files.exists(out.resolve("stale.cu")), "an output folder is one run, whole: nothing of the earlier run stays");
        assertTrue(Files.readString(out.resolve("olmoe_1b_7b.cl")).contains("#define BLOCK_M 32"));
        assertFalse(Files.exists(stale), "stale temporaries of dead runs are swept");
        assertEquals(List.of("a-file", "g", "mine"), Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList(), "no debris beside the output");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals(0, run("reference", "--preset", "olmoe-1b-7b", "--scale", "64", "--tokens", "2", "--dump", empty.toString()).code());
        assertTrue(Files.exists(empty.resolve("meta.json")) && Files.exists(empty.resolve("manifest.json")), "an empty folder is filled and marked");
    }

    /** SIGTERM during nvcc: the shutdown hook ends nvcc and its children and deletes the temporaries; nothing is left half-written. */
    @Test
    void anInterruptedGenerateLeavesNoDebrisAndNoCompiler(@TempDir Path dir) throws Exception {
        dev.moegen.testkit.Guards.nvcc(dev.moegen.codegen.cuda.Nvcc.find().isPresent());
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "dev.moegen.cli.Moegen", "generate", "--preset", "deepseek-v3",
                "--backend", "cuda", "--out", dir.resolve("g").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        List<ProcessHandle> children = List.of();
        for (int i = 0; i < 600 && children.isEmpty(); i++) { // wait until nvcc runs
            Thread.sleep(50);
            children = p.descendants().toList();
        }
        assertFalse(children.isEmpty(), "nvcc started: " + Files.readString(dir.resolve("log.txt")));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        for (ProcessHandle c : children) {
            for (int i = 0; i < 100 && c.isAlive(); i++) Thread.sleep(50);
            assertFalse(c.isAlive(), "child " + c.info().command().orElse("?") + " ended");
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of("log.txt"), files.map(f -> f.getFileName().toString()).toList(), "no output and no temporary folder");
        }
    }

    /** One exit-code rule for every command: bad input is 2 with a message naming the field, file or value. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "spec validate /no/such.yaml                                              | /no/such.yaml:; no such file",
        "spec validate /tmp                                                       | /tmp:; is a folder, not a spec file",
        "reference --preset mixtral-8x7b --scale 64 --tokens 1 --dtype fp64       | --dtype = 'fp64': allowed: fp32, fp16, bf16",
        "reference --preset mixtral-8x7b --scale 64 --tokens 1 --dtype fp8-e4m3   | --dtype = 'fp8-e4m3': allowed: fp32, fp16, bf16",
        "reference --spec /no/such.json --tokens 1                                | /no/such.json:; no such file",
        "verify --preset mixtral-8x7b --scale 64 --inputs /no/such/dir            | /no/such/dir: no such file or folder",
        "verify --preset mixtral-8x7b --scale 64 --tokens 1 --param block_m=0     | block_m = 0: must be in [1, 256]",
        "verify --preset mixtral-8x7b --scale 64 --dtype fp32 --tokens 1 --param gemm=mma | gemm = mma: dtype = fp32: tensor-core loops take bf16 or fp16",
        "generate --preset mixtral-8x7b --out /proc/moegen-x                      | --out /proc/moegen-x: cannot write in /proc",
        "params --preset qwen3-30b-a3b --backend cuda --param block_m=256,warps_m=16,block_n=128,gemm=mma | registers",
        "bench --preset mixtral-8x7b --scale 64 --tokens 1 --reps 0               | --reps = 0: must be >= 1",
    })
    void badInputExitsTwoNamingTheProblem(String args, String expected) {
        Run r = run(args.trim().split("\\s+"));
        assertEquals(2, r.code(), args + " -> " + r.err());
        for (String part : expected.split(";")) assertTrue(r.err().contains(part.trim()), args + " -> " + r.err());
        assertFalse(r.err().contains("Exception"), "no Java exception names: " + r.err());
    }

    @Test
    void inputsAreCheckedAgainstTheLayerShapesAndStayInTheirFolder(@TempDir Path dir) throws Exception {
        dev.moegen.testkit.Guards.openCl(dev.moegen.runtime.opencl.OpenCl.unavailableReason());
        Path d = dir.resolve("d");
        assertEquals(0, run("reference", "--preset", "deepseek-v2-lite", "--scale", "64", "--tokens", "5", "--dump", d.toString()).code());
        // w13 transposed: the element count is right, the shape is not
        var w13 = dev.moegen.verify.npy.Npy.read(d.resolve("w13.npy"), dev.moegen.dsl.types.DType.BF16);
        long[] sh = w13.shape();
        dev.moegen.verify.npy.Npy.write(d.resolve("w13.npy"), dev.moegen.verify.npy.NpyArray.of(dev.moegen.dsl.types.DType.BF16, w13.floats(), sh[0], sh[2], sh[1]));
        Run t = run("verify", "--preset", "deepseek-v2-lite", "--scale", "64", "--inputs", d.toString());
        assertEquals(2, t.code());
        assertTrue(t.err().contains("w13.npy has shape [" + sh[0] + ", " + sh[2] + ", " + sh[1] + "], the layer needs [" + sh[0] + ", " + sh[1] + ", " + sh[2] + "]"), t.err());
        Run other = run("verify", "--preset", "qwen3-30b-a3b", "--scale", "64", "--tokens", "3", "--inputs", d.toString());
        assertEquals(2, other.code());
        assertTrue(other.err().contains("meta.json records layer 'deepseek-v2-lite/s64'") && other.err().contains("--tokens 3 conflicts with the dump's 5 tokens"), other.err());
        String meta = Files.readString(d.resolve("meta.json"));
        Files.writeString(d.resolve("meta.json"), meta.replace("\"w2.npy\"", "\"../../w2.npy\""));
        Run escape = run("verify", "--preset", "deepseek-v2-lite", "--scale", "64", "--inputs", d.toString());
        assertEquals(2, escape.code());
        assertTrue(escape.err().contains("names file '../../w2.npy' outside"), escape.err());
        Files.writeString(d.resolve("meta.json"), meta);
        Files.write(d.resolve("w2.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) 0xff, (byte) 0xff});
        Run broken = run("verify", "--preset", "deepseek-v2-lite", "--scale", "64", "--inputs", d.toString());
        assertEquals(2, broken.code());
        assertTrue(broken.err().contains(d.resolve("w2.npy") + ": "), "the file is named: " + broken.err());
    }

    /** Too large for this machine: exit 2 at once with the estimate, the limit and a --scale that fits; nothing is allocated. */
    @Test
    void layersTooLargeForThisMachineSayWhatFits() {
        long t0 = System.nanoTime();
        Run v3 = run("verify", "--preset", "deepseek-v3", "--tokens", "1");
        assertEquals(2, v3.code(), v3.err());
        assertTrue(v3.err().contains("deepseek-v3 at 1 tokens needs one array of") && v3.err().contains("--scale"), v3.err());
        Run mixtral = run("reference", "--preset", "mixtral-8x7b", "--tokens", "1");
        assertEquals(2, mixtral.code(), mixtral.err());
        assertTrue(mixtral.err().matches("(?s).*needs about [0-9.]+ GiB of host memory.*this JVM may use [0-9.]+ GiB; --scale \\d+ fits.*"), mixtral.err());
        Run tokens = run("reference", "--preset", "qwen3-30b-a3b", "--scale", "64", "--tokens", "2000000000");
        assertEquals(2, tokens.code(), tokens.err());
        assertTrue(tokens.err().contains("2000000000 tokens needs"), tokens.err());
        assertTrue((System.nanoTime() - t0) / 1e9 < 20, "refused before allocating anything");
    }

    /** verify prints its header (seed, device, parameters) first and each token count's rows as they are checked. */
    @Test
    void verifyStreamsItsRowsAfterTheHeader() {
        dev.moegen.testkit.Guards.openCl(dev.moegen.runtime.opencl.OpenCl.unavailableReason());
        Run r = run("verify", "--preset", "olmoe-1b-7b", "--scale", "64", "--tokens", "2,9", "--seed", "11");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        int seed = out.indexOf("seed 11"), first = out.indexOf("\n2  "), second = out.indexOf("\n9  "), summary = out.indexOf("16 checks, 16 passed");
        assertTrue(seed >= 0 && seed < first && first < second && second < summary, out);
        assertEquals(2, out.split("\n-+  -+", -1).length - 1, "one table per token count, printed as each completes: " + out);
    }

    /** picocli formats help text with String.format: a bare % prints a warning and the raw text instead of the help. */
    @Test
    void everyHelpTextFormats() {
        var pending = new java.util.ArrayDeque<picocli.CommandLine.Model.CommandSpec>(List.of(new picocli.CommandLine(new Moegen()).getCommandSpec()));
        int texts = 0;
        while (!pending.isEmpty()) {
            picocli.CommandLine.Model.CommandSpec spec = pending.pop();
            spec.subcommands().values().forEach(c -> pending.add(c.getCommandSpec()));
            pending.addAll(spec.mixins().values());
            for (String line : rawHelpTexts(spec.userObject().getClass())) {
                assertDoesNotThrow(() -> String.format(line), spec.qualifiedName() + ": " + line);
                texts++;
            }
        }
        assertTrue(texts > 50, "walked every command's texts: " + texts);
    }

    /** The annotation texts as written (the spec's description() is already formatted). */
    private static List<String> rawHelpTexts(Class<?> type) {
        var texts = new java.util.ArrayList<String>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            var command = c.getAnnotation(picocli.CommandLine.Command.class);
            if (command != null) texts.addAll(List.of(command.description()));
            for (var f : c.getDeclaredFields()) {
                var option = f.getAnnotation(picocli.CommandLine.Option.class);
                if (option != null) texts.addAll(List.of(option.description()));
                var positional = f.getAnnotation(picocli.CommandLine.Parameters.class);
                if (positional != null) texts.addAll(List.of(positional.description()));
            }
        }
        return texts;
    }
}
