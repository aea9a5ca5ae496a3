package dev.moegen.maven;

import java.nio.file.Path;
import java.util.List;

/**
 * What one build asks the plugin to generate, in plain Java (the Mojo fills it from the POM).
 *
 * @param specs           spec files (.json, .yaml), each one layer
 * @param presets         preset names, each scaled by {@code scale}
 * @param scale           divides the presets' hidden and intermediate sizes (1 = the published sizes)
 * @param backends        opencl and/or cuda
 * @param tunedDb         a tuned-database folder (moegen tune --db), or null: the shipped database alone
 * @param tokens          the token bucket whose tuned parameters to take (0: the largest tuned)
 * @param output          the folder the plugin owns: java/ (compile sources) and resources/ (kernels on the classpath)
 * @param allowSourceOnly a cuda backend without nvcc generates CUDA source only (and says so) instead of failing
 * @param verifyTokens    token counts to check every layer at, on the best available backend, before anything is
 *                        written (empty: no check)
 * @param cudaArchs       the CUDA architectures to plan for, each with its own parameters (mma on sm_80, wgmma on sm_90a)
 */
public record BuildRequest(List<Path> specs, List<String> presets, int scale, List<String> backends, Path tunedDb, int tokens, Path output,
                           boolean allowSourceOnly, List<Integer> verifyTokens, List<String> cudaArchs) {
    public static final List<String> CUDA_ARCHS = List.of("sm_80", "sm_90a");

    public BuildRequest {
        specs = List.copyOf(specs);
        presets = List.copyOf(presets);
        backends = List.copyOf(backends);
        verifyTokens = List.copyOf(verifyTokens);
        cudaArchs = List.copyOf(cudaArchs);
    }

    public BuildRequest(List<Path> specs, List<String> presets, int scale, List<String> backends, Path tunedDb, int tokens, Path output,
                        boolean allowSourceOnly, List<Integer> verifyTokens) {
        this(specs, presets, scale, backends, tunedDb, tokens, output, allowSourceOnly, verifyTokens, CUDA_ARCHS);
    }

    public BuildRequest(List<Path> specs, List<String> presets, int scale, List<String> backends, Path tunedDb, int tokens, Path output,
                        boolean allowSourceOnly) {
        this(specs, presets, scale, backends, tunedDb, tokens, output, allowSourceOnly, List.of());
    }

    public Path javaRoot() {
        return output.resolve("java");
    }

    public Path resourcesRoot() {
        return output.resolve("resources");
    }
}
