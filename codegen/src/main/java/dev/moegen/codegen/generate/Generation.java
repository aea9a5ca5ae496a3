package dev.moegen.codegen.generate;

import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.params.ResolvedParams;
import dev.moegen.codegen.plan.KernelPlan;
import dev.moegen.codegen.platform.ResourceUsage;
import dev.moegen.dsl.io.TextTable;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one generation produced, in memory: the plan, the parameters with their sources, the kernel source,
 * every output file (source, plan.json, launcher, binaries, resource report, manifest) by relative path, the
 * toolchain's per-kernel resources and warnings. Callers (the CLI, the Maven plugin, the tuner) write or use it.
 */
public record Generation(KernelPlan plan, ResolvedParams params, GeneratedSource source, String launcherPath, List<OutputFile> files,
                         List<ResourceUsage> resources, List<String> warnings, Manifest manifest) {
    public Generation {
        files = List.copyOf(files);
        resources = List.copyOf(resources);
        warnings = List.copyOf(warnings);
    }

    /** One output file by its path relative to the output folder. */
    public record OutputFile(String path, byte[] bytes) {}

    public boolean compiled() {
        return !resources.isEmpty();
    }

    /** Registers, shared memory, stack and spills per kernel and architecture, then ptxas's warnings. */
    public String resourceTable() {
        List<List<String>> rows = new ArrayList<>();
        for (ResourceUsage k : resources)
            rows.add(List.of(k.kernel(), k.arch(), "" + k.registers(), "" + k.sharedBytes(), "" + k.stackBytes(), "" + (k.spillStoreBytes() + k.spillLoadBytes())));
        return TextTable.render(List.of("kernel", "arch", "registers", "smem B", "stack B", "spill B"), rows) + "\n"
                + (warnings.isEmpty() ? "ptxas: no warnings\n" : "ptxas warnings:\n  " + String.join("\n  ", warnings) + "\n");
    }
}
