package io.flexigpt.bench;

import io.flexigpt.nn.Generator;
import io.flexigpt.nn.LanguageModel;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.SamplingConfig;
import io.flexigpt.nn.device.DeviceModel;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.tensor.backend.Backends;
import io.flexigpt.tensor.backend.ComputeBackend;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * stories260K forward pass over 64 tokens per backend: {@code model} is the library's own CPU path
 * (tensor ops, fast GEMM), {@code cpu} a {@link DeviceModel} on the plain-Java reference backend,
 * {@code opencl} a {@link DeviceModel} on the Aparapi backend. Tokens/s = 64 / (seconds per op). {@code
 * generate} decodes 127 tokens greedily after BOS with the KV cache: tokens/s = 127 / (seconds per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DeviceForwardBenchmark {
    @Param({"model", "cpu", "opencl"})
    String backend;

    LanguageModel model;
    ComputeBackend be;
    int[] tokens = new int[64];

    @Setup
    public void setup() throws Exception {
        LlamaModel llama = LlamaModel.fromCheckpoint(Checkpoints.load(Paths.get(
                System.getProperty("flexigpt.data", "../shared/data"), "models/stories260K/stories260K.bin")));
        for (int i = 0; i < tokens.length; i++) tokens[i] = (i * 37 + 1) % 512;
        model = llama;
        if (!backend.equals("model")) {
            be = Backends.open(backend);
            model = new DeviceModel(llama, be);
        }
    }

    @TearDown
    public void close() {
        if (be != null) be.close();
    }

    @Benchmark
    public Object forward() {
        return model.logits(tokens);
    }

    @Benchmark
    public int[] generate() {
        return new Generator(model).generate(new int[] {1}, 127, new SamplingConfig(0, 1, 0, 0), null, null);
    }
}
