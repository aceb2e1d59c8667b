package io.flexigpt.cli;

import io.flexigpt.tensor.Parallelism;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code flexigpt} command; errors become one line on stderr and a non-zero exit code. */
@Command(
        name = "flexigpt",
        mixinStandardHelpOptions = true,
        version = "flexigpt 0.1.0",
        description = "Load, run, train, evaluate and compress Llama-family language models (FlexiGPT).",
        subcommands = {
            GenerateCommand.class,
            TokenizeCommand.class,
            DetokenizeCommand.class,
            EvalCommand.class,
            ImportanceCommand.class,
            CompressCommand.class,
            ExtendCommand.class,
            TrainCommand.class,
            ExportCommand.class,
            DemoCommand.class,
            DevicesCommand.class
        })
public final class Main implements Runnable {
    @Option(
            names = "--threads",
            description = "Worker threads for the kernels, 1 to 4 x the cores (default: all cores).",
            scope = CommandLine.ScopeType.INHERIT)
    void threads(int n) {
        int max = 4 * Runtime.getRuntime().availableProcessors();
        if (n < 1 || n > max)
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--threads must be between 1 and " + max + " (4 x " + max / 4 + " cores), got " + n);
        Parallelism.setThreads(n);
    }

    @Option(names = "--verbose", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "a subcommand is required: generate, tokenize, detokenize, eval, importance, compress, extend, train, export, demo or devices");
    }

    /** Builds the command line with this project's error handling. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, new String[0]);
    }

    /** The command line for {@code args}, which name the model an out-of-memory message describes. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String[] commandArgs) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr()
                    .println("error: " + e.getMessage() + " (see '"
                            + cmd.getCommandSpec().qualifiedName() + " --help')");
            cmd.getErr().flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof Interrupts.Stopped) return 130;
            cmd.getErr()
                    .println("error: "
                            + (OutOfMemoryMessage.isOutOfMemory(e)
                                    ? OutOfMemoryMessage.of(commandArgs)
                                    : ErrorMessages.describe(e)));
            if (main.verbose) e.printStackTrace(cmd.getErr());
            cmd.getErr().flush();
            return 1;
        });
        return cl;
    }

    /** Runs one command and exits with its code (130 when Ctrl-C stopped a training run); running out of memory is one line too. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true), err = new PrintWriter(System.err, true);
        CountDownLatch done = new CountDownLatch(1);
        Interrupts.install(done);
        int code;
        try {
            code = commandLine(out, err, args).execute(args);
        } catch (OutOfMemoryError e) {
            err.println("error: " + OutOfMemoryMessage.of(args));
            code = 1;
        }
        out.flush();
        err.flush();
        done.countDown();
        System.exit(code);
    }
}
