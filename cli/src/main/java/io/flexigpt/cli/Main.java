package io.flexigpt.cli;

import io.flexigpt.tensor.Parallelism;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code flexigpt} command; errors become one line on stderr and a non-zero exit code. */
@Command(name = "flexigpt", mixinStandardHelpOptions = true, version = "flexigpt 0.1.0",
        description = "Load, run, train, evaluate and compress Llama-family language models (FlexiGPT).",
        subcommands = {GenerateCommand.class, EvalCommand.class, ImportanceCommand.class, CompressCommand.class,
            ExtendCommand.class, TrainCommand.class, DemoCommand.class, DevicesCommand.class, ExportCommand.class})
public final class Main implements Runnable {
    @Option(names = "--threads", description = "Worker threads for the kernels (default: all cores).", scope = CommandLine.ScopeType.INHERIT)
    void threads(int n) {
        if (n < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1, got " + n);
        Parallelism.setThreads(n);
    }

    @Option(names = "--verbose", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: generate, eval, importance, compress, extend, train, demo, devices or export");
    }

    /** Builds the command line with this project's error handling. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("error: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            cmd.getErr().flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof Interrupts.Stopped) return 130;
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            cmd.getErr().println("error: " + message);
            if (main.verbose) e.printStackTrace(cmd.getErr());
            cmd.getErr().flush();
            return 1;
        });
        return cl;
    }

    /** Runs one command and exits with its code (130 when Ctrl-C stopped a training run). */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true), err = new PrintWriter(System.err, true);
        CountDownLatch done = new CountDownLatch(1);
        Interrupts.install(done);
        int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        done.countDown();
        System.exit(code);
    }
}
