package dev.moegen.cli;

import dev.moegen.runtime.exec.BackendProvider;
import dev.moegen.runtime.exec.Backends;
import dev.moegen.runtime.exec.DeviceInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "devices", mixinStandardHelpOptions = true, description = "List the devices of every backend with the limits the parameter space reads, or why a backend is unavailable.")
final class DevicesCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;

    @Override
    public Integer call() {
        var o = cmd.commandLine().getOut();
        for (BackendProvider p : Backends.all()) {
            var why = p.unavailableReason();
            if (why.isPresent()) {
                o.println(p.id() + ": unavailable: " + why.get());
                continue;
            }
            for (DeviceInfo d : p.devices()) o.println(p.id() + ": " + d.describe() + "\n  target " + d.target().describe() + ": " + d.target().limits().describe());
        }
        return 0;
    }
}
