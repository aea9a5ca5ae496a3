package dev.moegen.cli;

import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.dsl.io.TextTable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "presets", mixinStandardHelpOptions = true, description = "List the model presets.")
final class PresetsCommand implements Callable<Integer> {
    @Spec CommandSpec cmd;

    @Override
    public Integer call() {
        var out = cmd.commandLine().getOut();
        out.println(TextTable.render(PresetsTable.header(), Presets.all().stream().map(PresetsTable::row).toList()));
        return 0;
    }
}
