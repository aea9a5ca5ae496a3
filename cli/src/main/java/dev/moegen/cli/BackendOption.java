package dev.moegen.cli;

import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.exec.DeviceSession;
import picocli.CommandLine.Option;

/** --backend for the commands that run kernels, and the session it opens. */
final class BackendOption {
    @Option(names = "--backend", defaultValue = "auto", description = "auto (the best available: CUDA if present, else OpenCL) or a backend name: cuda, opencl (default: ${DEFAULT-VALUE})")
    String backend;

    DeviceSession open() {
        return Backends.open(backend);
    }
}
