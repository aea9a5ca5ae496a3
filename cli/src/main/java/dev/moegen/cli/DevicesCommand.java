package dev.moegen.cli;

import dev.moegen.runtime.opencl.ClDevice;
import dev.moegen.runtime.opencl.OpenCl;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "devices", mixinStandardHelpOptions = true, description = "List the devices of every backend, or why a backend is unavailable.")
final class DevicesCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;

    @Override
    public Integer call() {
        var o = cmd.commandLine().getOut();
        var why = OpenCl.unavailableReason();
        if (why.isPresent()) o.println("opencl: unavailable: " + why.get());
        else for (ClDevice d : OpenCl.devices()) o.println("opencl: " + d.describe());
        var cudaWhy = dev.moegen.runtime.cuda.Cuda.unavailableReason();
        if (cudaWhy.isPresent()) o.println("cuda: unavailable: " + cudaWhy.get());
        else for (var d : dev.moegen.runtime.cuda.Cuda.devices()) o.println("cuda: " + d.describe());
        return 0;
    }
}
