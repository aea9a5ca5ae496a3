package dev.moegen.runtime.exec;

import dev.moegen.codegen.platform.BackendId;
import java.util.List;
import java.util.Optional;

/**
 * A runtime backend: whether it can run here, its devices, and sessions on them. Registered through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.moegen.runtime.exec.BackendProvider}), one package
 * per backend; its kernels are spelled by the codegen dialect of the same {@link BackendId}.
 */
public interface BackendProvider {
    BackendId id();

    /** How messages spell the backend ("OpenCL", "CUDA"). */
    default String displayName() {
        return id().id().toUpperCase();
    }

    /** "auto" opens the available backend with the highest priority (a dedicated GPU runtime over a portable one). */
    int autoPriority();

    /** Empty when the backend can be used here; otherwise why not (no driver, no device). */
    Optional<String> unavailableReason();

    List<DeviceInfo> devices();

    /** A session on the backend's best device. */
    DeviceSession open();
}
