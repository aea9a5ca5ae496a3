package dev.moegen.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.verify.npy.NpyBundle;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void verifyPrintsATableAndPassesThenReadsADump(@TempDir Path dir) throws Exception {
        dev.moegen.testkit.Guards.openCl(dev.moegen.runtime.opencl.OpenCl.unavailableReason());
        Run r = run("verify", "--preset", "deepseek-v2-lite", "--scale", "64", "--tokens", "3,20", "--seed", "5", "--dump", dir.resolve("d").toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("14 checks, 14 passed, 0 failed"), r.out());
        assertTrue(r.out().contains("moe_group_gemm_1") && r.out().contains("PASS"));
        NpyBundle dump = NpyBundle.read(dir.resolve("d/T20"));
        assertArrayEquals(new long[] {20, 8}, dump.get("kernel_topk_ids").shape(), "6 routed + 2 shared slots");
        Run again = run("verify", "--preset", "deepseek-v2-lite", "--scale", "64", "--inputs", dir.resolve("d/T20").toString());
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("7 checks, 7 passed"), again.out());
        Run wrong = run("verify", "--preset", "qwen3-30b-a3b", "--scale", "64", "--inputs", dir.resolve("d/T20").toString());
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("x.npy has shape [20, 32], want [T, 32]") || wrong.err().contains("w_router.npy has"), wrong.err());
    }

    @Test
    void generateWritesSourcesPlanAndLauncher(@TempDir Path dir) throws Exception {
        Run r = run("generate", "--preset", "olmoe-1b-7b", "--backend", "opencl", "--out", dir.resolve("g").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(dir.resolve("g/olmoe_1b_7b.cl")).contains("KERNEL void moe_gating("));
        assertTrue(Files.readString(dir.resolve("g/plan.json")).contains("\"moe_align_scan\""));
        assertTrue(Files.exists(dir.resolve("g/java/dev/moegen/generated/Olmoe1b7bLayer.java")));
        var manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("g/manifest.json").toFile());
        assertEquals("opencl", manifest.get("backend").asText());
        assertEquals(dev.moegen.codegen.emit.TemplateHash.get(), manifest.get("template_hash").asText());
        assertEquals("heuristic", manifest.get("param_sources").get("block_m").asText());
        assertEquals(16, manifest.get("params").get("block_m").asInt());
        assertTrue(r.out().contains("params: gemm=simt, block_m=16"), r.out());
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
        assertTrue(r.out().matches("(?s).*group_gemm\\s+gemm\\s+simt \\| mma \\| wgmma\\s+mma\\s+override.*"), r.out());
        assertTrue(r.out().matches("(?s).*group_gemm\\s+stages\\s+.*?\\s3\\s+heuristic.*"), "gemm=mma alone brings the tensor-core stages: " + r.out());
        assertTrue(r.out().contains("tc-registers") && r.out().contains("wgmma-swizzle"), r.out());
        assertTrue(r.out().matches("(?s).*\\ngroup_gemm\\s+\\d+\\s+\\d+\\s+\\d+\\.\\d%.*"), r.out());
        Run bad = run("params", "--preset", "qwen3-30b-a3b", "--backend", "cuda", "--param", "block_m=256,warps_m=16,block_n=128,gemm=mma");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("registers") && bad.err().contains("lower block_n or block_m"), bad.err());
    }
}
