package dev.moegen.maven;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Mojo as Maven drives it: fields set from the POM, the project's source roots and resources extended, bad input a build failure. */
class GenerateMojoTest {
    private static GenerateMojo mojo(Path out, List<File> specs, List<String> presets) {
        GenerateMojo m = new GenerateMojo();
        m.specs = specs;
        m.presets = presets;
        m.scale = 64;
        m.backends = List.of("opencl");
        m.outputDirectory = out.toFile();
        m.project = new MavenProject(new Model());
        return m;
    }

    @Test
    void addsTheLaunchersToTheSourcesAndTheKernelsToTheResources(@TempDir Path dir) throws Exception {
        GenerateMojo m = mojo(dir.resolve("out"), List.of(), List.of("olmoe-1b-7b"));
        m.execute();
        assertTrue(m.project.getCompileSourceRoots().contains(dir.resolve("out/java").toString()), m.project.getCompileSourceRoots().toString());
        assertEquals(dir.resolve("out/resources").toString(), m.project.getResources().get(0).getDirectory());
        assertTrue(Files.exists(dir.resolve("out/java/dev/moegen/generated/Olmoe1b7bS64Layer.java")));
    }

    @Test
    void aBadSpecFailsTheBuildNamingTheFileAndTheField(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yaml"), "name: bad\ndtype: bf16\nhidden: 64\nintermediate: 32\nexperts: 8\ntop_k: 9\n"
                + "routing: {scoring: softmax, renormalize: true, n_group: 1, topk_group: 1, correction_bias: false, routed_scaling_factor: 1.0, router_bias: false}\n"
                + "activation: swiglu\ncapacity_factor: null\nshared: {count: 0, intermediate: 0, gated: false}\nexpert_bias: false\n");
        GenerateMojo m = mojo(dir.resolve("out"), List.of(f.toFile()), List.of());
        var e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().contains("bad.yaml") && e.getMessage().contains("top_k = 9: must be in [1, experts = 8]"), e.getMessage());
        assertTrue(m.project.getCompileSourceRoots().isEmpty(), "nothing added on failure");
        m.scale = 0;
        assertTrue(assertThrows(MojoFailureException.class, m::execute).getMessage().contains("<scale> = 0"));
    }

    @Test
    void skipDoesNothing(@TempDir Path dir) throws Exception {
        GenerateMojo m = mojo(dir.resolve("out"), List.of(), List.of("olmoe-1b-7b"));
        m.skip = true;
        m.execute();
        assertFalse(Files.exists(dir.resolve("out")));
        assertTrue(m.project.getCompileSourceRoots().isEmpty());
    }
}
