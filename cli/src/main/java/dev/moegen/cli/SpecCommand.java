package dev.moegen.cli;

import dev.moegen.dsl.layer.MoeLayerSpec;
import dev.moegen.dsl.preset.Presets;
import dev.moegen.dsl.spec.SpecException;
import dev.moegen.dsl.spec.SpecFiles;
import dev.moegen.dsl.spec.SpecFormat;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "spec", mixinStandardHelpOptions = true, description = "Read, check and print layer spec files.",
        subcommands = {SpecCommand.Validate.class, SpecCommand.Show.class})
final class SpecCommand {

    @Command(name = "validate", mixinStandardHelpOptions = true, description = "Check a spec file (.json, .yaml); lists every problem.")
    static final class Validate implements Callable<Integer> {
        @Spec CommandSpec cmd;
        @Parameters(paramLabel = "FILE") Path file;

        @Override
        public Integer call() {
            try {
                MoeLayerSpec s = SpecFiles.read(file);
                cmd.commandLine().getOut().printf("%s: valid (%s, E=%d, top-k=%d, hidden=%d, intermediate=%d)%n",
                        file, s.name(), s.experts(), s.topK(), s.hidden(), s.intermediate());
                return 0;
            } catch (SpecException e) {
                cmd.commandLine().getErr().println(e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a preset as a spec file.")
    static final class Show implements Callable<Integer> {
        @Spec CommandSpec cmd;
        @Parameters(paramLabel = "PRESET") String preset;
        @Option(names = "--format", defaultValue = "yaml", description = "yaml or json (default: ${DEFAULT-VALUE})") String format;
        @Option(names = "--scale", defaultValue = "1", description = "divide hidden/intermediate sizes by S") int scale;

        @Override
        public Integer call() {
            cmd.commandLine().getOut().print(SpecFiles.format(Presets.get(preset).scaled(scale), SpecFormat.parse(format)));
            return 0;
        }
    }
}
