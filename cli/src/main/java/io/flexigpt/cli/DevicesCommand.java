package io.flexigpt.cli;

import io.flexigpt.tensor.backend.Backends;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flexigpt devices}: what {@code --device} can choose from on this machine. */
@Command(
        name = "devices",
        mixinStandardHelpOptions = true,
        description = "List the compute devices: the cpu and every OpenCL device with its limits.")
final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String line : Backends.describe()) out.println(line);
        out.flush();
        return 0;
    }
}
