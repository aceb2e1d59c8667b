package io.flexigpt.cli;

import io.flexigpt.eval.LlamaScoringModel;
import io.flexigpt.nn.Generator;
import io.flexigpt.nn.LanguageModel;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.device.DeviceModel;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.tensor.backend.Backends;
import io.flexigpt.tensor.backend.ComputeBackend;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --device} option of the commands that only run a model (generate, eval). */
final class DeviceOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    String device = Backends.configuredDevice();

    @Option(
            names = "--device",
            paramLabel = "cpu|opencl",
            description =
                    "Where the model runs: cpu (the tensor kernels) or opencl; "
                            + "without a usable OpenCL device it says so and runs on cpu (default: the flexigpt.device system property, else cpu).")
    void device(String name) {
        String d = name.trim().toLowerCase(Locale.ROOT);
        if (!d.equals(Backends.CPU) && !d.equals("opencl"))
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--device must be cpu or opencl, got '" + name + "'");
        device = d;
    }

    /** {@code model} on the chosen device; says on {@code err} which OpenCL device runs it. */
    Inference open(LlamaModel model, PrintWriter err) {
        Optional<ComputeBackend> backend = Backends.accelerator(device);
        backend.ifPresent(b -> {
            err.println("running on " + b.name());
            err.flush();
        });
        return new Inference(
                backend.<LanguageModel>map(b -> new DeviceModel(model, b)).orElse(model), backend.orElse(null));
    }

    /** A model ready to generate or score, and the device it was uploaded to (null on the CPU tensor kernels). Closing releases the device. */
    record Inference(LanguageModel model, ComputeBackend backend) implements AutoCloseable {
        Generator generator() {
            return new Generator(model);
        }

        LlamaScoringModel scoring(Tokenizer tokenizer, int maxContext) {
            return new LlamaScoringModel(model, tokenizer, maxContext);
        }

        @Override
        public void close() {
            if (backend != null) backend.close();
        }
    }
}
