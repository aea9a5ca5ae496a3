package dev.moegen.maven;

import dev.moegen.dsl.spec.SpecException;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Generates MoE kernels and typed Java launchers at build time: for each spec file and preset, on each backend, the
 * kernel source (and PTX/cubin for CUDA where nvcc is present), the kernel plan and a manifest as classpath
 * resources under {@code moegen/<layer>/<backend>/}, and one launcher per layer ({@code dev.moegen.generated.<Name>Layer})
 * added to the compile sources. Parameters come from the tuned database when it has the layer's shape, else from the
 * heuristic. Nothing is regenerated while the specs, templates, tuned parameters and plugin version are unchanged.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {
    /** Spec files (.json, .yaml), one layer each. */
    @Parameter
    List<File> specs = new ArrayList<>();

    /** Preset names (moegen presets), each scaled by {@code scale}. */
    @Parameter
    List<String> presets = new ArrayList<>();

    /** Divides the presets' hidden and intermediate sizes (rounded up to a multiple of 16); 1 keeps the published sizes. */
    @Parameter(defaultValue = "1")
    int scale;

    /** Backends to generate for: opencl, cuda. */
    @Parameter
    List<String> backends = new ArrayList<>(List.of("opencl"));

    /** A tuned-database folder (written by moegen tune --db); absent: the database shipped with moegen. */
    @Parameter(property = "moegen.db")
    File tunedDatabase;

    /** The token bucket whose tuned parameters to take; 0: the largest bucket tuned. */
    @Parameter(defaultValue = "0")
    int tokens;

    /** The folder the plugin owns: java/ joins the compile sources, resources/ the resources. */
    @Parameter(defaultValue = "${project.build.directory}/generated-sources/moegen")
    File outputDirectory;

    /** With a cuda backend and no nvcc: generate CUDA source only (and say so) rather than fail. */
    @Parameter(defaultValue = "false")
    boolean allowSourceOnly;

    /** CUDA architectures to plan for, each with its own parameters and cubin (default sm_80 and sm_90a). */
    @Parameter
    List<String> cudaArchs = new ArrayList<>(BuildRequest.CUDA_ARCHS);

    /** Token counts to check every layer at, kernel by kernel against the reference, on the best available backend before anything is written; none: no check. */
    @Parameter
    List<Integer> verifyTokens = new ArrayList<>();

    @Parameter(property = "moegen.skip", defaultValue = "false")
    boolean skip;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("moegen: skipped (moegen.skip)");
            return;
        }
        if (scale < 1) throw new MojoFailureException("moegen: <scale> = " + scale + ": must be >= 1");
        BuildRequest r = new BuildRequest(specs.stream().map(File::toPath).toList(), presets, scale, backends,
                tunedDatabase == null ? null : tunedDatabase.toPath(), tokens, outputDirectory.toPath(), allowSourceOnly, verifyTokens, cudaArchs);
        try {
            BuildGeneration.Outcome o = BuildGeneration.run(r, getLog()::info);
            for (String n : o.notes()) getLog().warn("moegen: " + n);
        } catch (SpecException | IllegalArgumentException | IllegalStateException e) {
            throw new MojoFailureException(e.getMessage(), e); // bad input: the message names the file, field and reason
        } catch (java.io.IOException e) {
            throw new MojoExecutionException("moegen: writing " + outputDirectory + ": " + e.getMessage(), e);
        }
        project.addCompileSourceRoot(r.javaRoot().toString());
        Resource res = new Resource();
        res.setDirectory(r.resourcesRoot().toString());
        project.addResource(res);
    }
}
