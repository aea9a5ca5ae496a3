package dev.moegen.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** moegen's command line: {@code moegen --help} lists the commands. */
@Command(name = "moegen", mixinStandardHelpOptions = true, version = "moegen 0.1.0",
        description = "Mixture-of-Experts layers to fused, tuned, verified GPU kernels.",
        subcommands = {PresetsCommand.class, SpecCommand.class, ReferenceCommand.class, GenerateCommand.class, VerifyCommand.class, BenchCommand.class, TuneCommand.class, ParamsCommand.class, DevicesCommand.class, CommandLine.HelpCommand.class})
public final class Moegen {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line; returns the exit code (0 success, 1 failed check, 2 bad input). */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out), new java.io.PrintWriter(System.err), args);
    }

    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Moegen()).setOut(out).setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            Failure f = Failure.of(ex);
            cmd.getErr().println("moegen: " + f.message());
            return f.exitCode();
        });
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }
}
