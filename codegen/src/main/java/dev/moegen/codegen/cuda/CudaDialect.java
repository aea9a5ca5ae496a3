package dev.moegen.codegen.cuda;

import dev.moegen.codegen.emit.GeneratedSource;
import dev.moegen.codegen.platform.*;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CUDA C++ for the driver API. Tensor cores (mma.sync) from sm_80, wgmma on sm_90a; gating reduces with warp
 * shuffles. Ahead of time the source is compiled by nvcc for sm_80 and sm_90a, so its limits are sm_80's
 * (163 KiB of shared memory per block, 65,536 registers, 1024 threads): the same source must load on both.
 */
public final class CudaDialect implements Dialect {
    public static final Target AHEAD_OF_TIME = target("sm_90a", new DeviceLimits(1024, 163 * 1024, 48 * 1024, 65536, 0, 32, 0));

    /** The target of architecture {@code arch} with the smallest limits of its generation. */
    public static Target cuda(String arch) {
        if (arch == null || !arch.matches("sm_\\d+a?")) throw new IllegalArgumentException("arch = '" + arch + "': expected sm_NN or sm_NNa");
        int sm = Integer.parseInt(arch.replaceAll("\\D", ""));
        long shared = sm >= 90 ? 227 * 1024 : sm >= 80 ? 163 * 1024 : 48 * 1024;
        return target(arch, new DeviceLimits(1024, shared, 48 * 1024, 65536, 0, 32, 0));
    }

    private static Target target(String arch, DeviceLimits limits) {
        int sm = Integer.parseInt(arch.replaceAll("\\D", ""));
        return new Target(BackendId.CUDA, arch, new Capabilities(sm >= 80, arch.equals("sm_90a"), 32), limits);
    }

    @Override
    public BackendId id() {
        return BackendId.CUDA;
    }

    @Override
    public String extension() {
        return ".cu";
    }

    @Override
    public Target aheadOfTime() {
        return AHEAD_OF_TIME;
    }

    @Override
    public Target target(String arch) {
        return cuda(arch);
    }

    @Override
    public boolean compilesAheadOfTime() {
        return true;
    }

    @Override
    public Optional<Toolchain> toolchain() {
        return Nvcc.find().map(NvccToolchain::new);
    }

    @Override
    public String toolchainHint() {
        return "the CUDA backend compiles with nvcc (looked in $CUDA_HOME/bin, $PATH, /usr/local/cuda/bin)";
    }

    /** nvcc → PTX and cubin for sm_80 and sm_90a, with the ptxas resource report. */
    private record NvccToolchain(Nvcc nvcc) implements Toolchain {
        @Override
        public String describe() {
            return nvcc.path() + " (" + String.join(", ", Nvcc.DEFAULT_ARCHS) + ")";
        }

        @Override
        public Compiled compile(GeneratedSource source, Path dir) throws IOException {
            return compileFor(source, dir, Nvcc.DEFAULT_ARCHS);
        }

        @Override
        public Compiled compileFor(GeneratedSource source, Path dir, String arch) throws IOException {
            return compileFor(source, dir, List.of(arch));
        }

        private Compiled compileFor(GeneratedSource source, Path dir, List<String> archs) throws IOException {
            Files.createDirectories(dir);
            Path cu = dir.resolve(source.fileName());
            if (!Files.exists(cu)) Files.writeString(cu, source.text());
            Nvcc.Result r = nvcc.compile(cu, dir, archs);
            List<Path> out = new ArrayList<>(r.ptx());
            out.addAll(r.cubins());
            return new Compiled(out, r.report().kernels(), r.report().warnings(), r.log());
        }
    }
}
