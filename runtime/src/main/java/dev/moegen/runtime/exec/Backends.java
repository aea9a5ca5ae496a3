package dev.moegen.runtime.exec;

import dev.moegen.runtime.cuda.Cuda;
import dev.moegen.runtime.cuda.CudaSession;
import dev.moegen.runtime.opencl.OpenCl;
import java.util.Optional;

/**
 * Opens a device session by name. "auto" picks CUDA when a CUDA device is present, else OpenCL
 * (a GPU if the OpenCL platforms have one, else e.g. PoCL on the CPU) and the session says which.
 * A named backend that is unavailable is an error with the reason, never a silent fallback.
 */
public final class Backends {
    private Backends() {}

    public static DeviceSession open(String name) {
        return switch (name.toLowerCase()) {
            case "auto" -> Cuda.unavailableReason().isEmpty() ? open("cuda") : open("opencl");
            case "cuda" -> {
                Optional<String> why = Cuda.unavailableReason();
                if (why.isPresent()) throw new IllegalStateException("CUDA backend unavailable: " + why.get());
                yield new CudaSession(Cuda.devices().get(0));
            }
            case "opencl" -> {
                Optional<String> why = OpenCl.unavailableReason();
                if (why.isPresent()) throw new IllegalStateException("OpenCL backend unavailable: " + why.get());
                yield OpenClSession.open(OpenCl.bestDevice());
            }
            default -> throw new IllegalArgumentException("backend = '" + name + "': allowed: auto, cuda, opencl");
        };
    }
}
