package dev.moegen.runtime.cuda;

import dev.moegen.codegen.platform.BackendId;
import dev.moegen.runtime.exec.BackendProvider;
import dev.moegen.runtime.exec.DeviceInfo;
import dev.moegen.runtime.exec.DeviceSession;
import java.util.List;
import java.util.Optional;

/** The CUDA driver API (libcuda.so.1) on the first device; "auto" prefers it when present. */
public final class CudaProvider implements BackendProvider {
    @Override
    public BackendId id() {
        return BackendId.CUDA;
    }

    @Override
    public int autoPriority() {
        return 100;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Cuda.unavailableReason();
    }

    @Override
    public List<DeviceInfo> devices() {
        return Cuda.devices().stream().map(CudaDevice::info).toList();
    }

    @Override
    public DeviceSession open() {
        return new CudaSession(Cuda.devices().get(0));
    }
}
