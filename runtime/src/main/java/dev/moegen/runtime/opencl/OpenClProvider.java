package dev.moegen.runtime.opencl;

import dev.moegen.codegen.platform.BackendId;
import dev.moegen.runtime.exec.BackendProvider;
import dev.moegen.runtime.exec.DeviceInfo;
import dev.moegen.runtime.exec.DeviceSession;
import java.util.List;
import java.util.Optional;

/** OpenCL through the ICD loader: any GPU's driver, or PoCL on the CPU. Below CUDA for "auto". */
public final class OpenClProvider implements BackendProvider {
    @Override
    public BackendId id() {
        return BackendId.OPENCL;
    }

    @Override
    public String displayName() {
        return "OpenCL";
    }

    @Override
    public int autoPriority() {
        return 10;
    }

    @Override
    public Optional<String> unavailableReason() {
        return OpenCl.unavailableReason();
    }

    @Override
    public List<DeviceInfo> devices() {
        return OpenCl.devices().stream().map(ClDevice::info).toList();
    }

    @Override
    public DeviceSession open() {
        return OpenClSession.open(OpenCl.bestDevice());
    }
}
