package dev.moegen.codegen.opencl;

import dev.moegen.codegen.platform.*;
import java.util.Optional;

/**
 * OpenCL C 1.2. No tensor-core instructions and no portable sub-group shuffles: the tensor-core loops run
 * emulated and gating reduces through local memory. Programs are built by the driver at load time, so there is
 * no ahead-of-time toolchain. Ahead-of-time limits are what current GPUs of every vendor grant (1024 work-items,
 * 64 KiB local memory); a session's target carries its device's own.
 */
public final class OpenClDialect implements Dialect {
    public static final Target TARGET = new Target(BackendId.OPENCL, "", Capabilities.PORTABLE, new DeviceLimits(1024, 64 * 1024, 64 * 1024, 0, 0, 0, 0));

    @Override
    public BackendId id() {
        return BackendId.OPENCL;
    }

    @Override
    public String extension() {
        return ".cl";
    }

    @Override
    public Target aheadOfTime() {
        return TARGET;
    }

    @Override
    public Target target(String arch) {
        if (!arch.isEmpty()) throw new IllegalArgumentException("arch = '" + arch + "': OpenCL targets have no architecture");
        return TARGET;
    }

    @Override
    public Optional<Toolchain> toolchain() {
        return Optional.empty();
    }
}
