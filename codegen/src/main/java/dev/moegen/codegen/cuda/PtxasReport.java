package dev.moegen.codegen.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.moegen.codegen.platform.ResourceUsage;

/** Parses {@code ptxas -v} output into per-kernel resource usage plus ptxas's warnings. */
public record PtxasReport(List<ResourceUsage> kernels, List<String> warnings) {
    private static final Pattern COMPILING = Pattern.compile("Compiling entry function '([^']+)' for '([^']+)'");
    private static final Pattern FRAME = Pattern.compile("(\\d+) bytes stack frame, (\\d+) bytes spill stores, (\\d+) bytes spill loads");
    private static final Pattern USED = Pattern.compile("Used (\\d+) registers(?:, used (\\d+) barriers)?(?:, (\\d+) bytes smem)?");

    public static PtxasReport parse(String text) {
        List<ResourceUsage> out = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String kernel = null, arch = null;
        int stack = 0, st = 0, ld = 0;
        for (String line : text.split("\\R")) {
            if (line.contains("ptxas warning") || line.contains("warning :") || line.matches(".*\\bC\\d{4}\\b.*")) warnings.add(line.trim());
            Matcher m = COMPILING.matcher(line);
            if (m.find()) {
                kernel = m.group(1);
                arch = m.group(2);
                stack = st = ld = 0;
                continue;
            }
            m = FRAME.matcher(line);
            if (m.find() && kernel != null) {
                stack = Integer.parseInt(m.group(1));
                st = Integer.parseInt(m.group(2));
                ld = Integer.parseInt(m.group(3));
                continue;
            }
            m = USED.matcher(line);
            if (m.find() && kernel != null) {
                out.add(new ResourceUsage(kernel, arch, Integer.parseInt(m.group(1)), stack, st, ld,
                        m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))));
                kernel = null;
            }
        }
        return new PtxasReport(List.copyOf(out), List.copyOf(warnings));
    }

    public List<ResourceUsage> forArch(String arch) {
        return kernels.stream().filter(k -> k.arch().equals(arch)).toList();
    }
}
