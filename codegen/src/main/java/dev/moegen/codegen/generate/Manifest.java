package dev.moegen.codegen.generate;

import java.util.List;
import java.util.Map;

/**
 * What generated an output and from what: written as {@code manifest.json} beside the kernels, so an output folder
 * says which generator, spec, target, parameters (and where each came from) and templates made it.
 */
public record Manifest(String generator, String generatorVersion, String layer, String specHash, String backend, String arch,
                       String templateHash, Map<String, Object> params, Map<String, String> paramSources, String tunedFrom,
                       String toolchain, List<String> files) {
    public static final String GENERATOR = "moegen";
    public static final String FILE = "manifest.json";
}
