package dev.moegen.bench.peer;

import java.util.List;

/** What a user would run instead of moegen, as a script moegen times alongside its own runs on the same inputs. */
public enum PeerKind {
    /** NumPy on the host, fp32: the CPU peer. */
    NUMPY("numpy", "numpy_moe.py", List.of(), "import numpy"),
    /** PyTorch on the GPU, a loop over the experts hit. */
    TORCH_EAGER("torch eager", "torch_moe.py", List.of("eager"), Probes.TORCH),
    /** PyTorch on the GPU, torch._grouped_mm for both GroupGEMMs. */
    TORCH_GROUPED_MM("torch grouped_mm", "torch_moe.py", List.of("grouped_mm"), Probes.TORCH);

    /** A holder: enum constants may not read the enum's own static fields. */
    private static final class Probes {
        static final String TORCH = "import torch; assert torch.cuda.is_available(), 'torch sees no CUDA device'";
    }

    private final String label, script, probe;
    private final List<String> args;

    PeerKind(String label, String script, List<String> args, String probe) {
        this.label = label;
        this.script = script;
        this.args = args;
        this.probe = probe;
    }

    /** As column headers and reports name it: "numpy", "torch eager". */
    public String label() {
        return label;
    }

    String script() {
        return script;
    }

    List<String> args() {
        return args;
    }

    /** The python3 one-liner that fails where this peer cannot run. */
    String probe() {
        return probe;
    }
}
