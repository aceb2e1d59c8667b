package io.flexigpt.bench;

import io.flexigpt.nn.Generator;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.SamplingConfig;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.tensor.Parallelism;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Greedy generation of exactly 255 tokens from BOS with stories260K (no stop token), with
 * 1 and 2 threads. Tokens/s = 255 / (seconds per op). The model comes from {@code -Dflexigpt.data}
 * (default ../shared/data).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GenerationBenchmark {
    @Param({"1", "2"})
    int threads;

    Generator generator;

    @Setup
    public void setup() throws Exception {
        Parallelism.setThreads(threads);
        Path data = Paths.get(System.getProperty("flexigpt.data", "../shared/data"));
        LlamaModel model =
                LlamaModel.fromCheckpoint(Checkpoints.load(data.resolve("models/stories260K/stories260K.bin")));
        generator = new Generator(model);
    }

    @Benchmark
    public int[] greedy255() {
        return generator.generate(new int[] {1}, 255, SamplingConfig.greedy(), null, null);
    }
}
