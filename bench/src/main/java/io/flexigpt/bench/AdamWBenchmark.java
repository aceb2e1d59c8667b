package io.flexigpt.bench;

import io.flexigpt.tensor.OptimizerKernels;
import io.flexigpt.tensor.Parallelism;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * One AdamW update of 6.6 M parameters (the size of {@link TrainingBenchmark}'s model) with 1 and 2
 * threads. Report: parameters per second = 6.6e6 / (seconds per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AdamWBenchmark {
    @Param({"1", "2"})
    int threads;

    Tensor p, g, m, v;

    @Setup
    public void setup() {
        Parallelism.setThreads(threads);
        Rng rng = new Rng(1);
        int n = 6_600_000;
        p = rng.normal(0, 0.02f, n);
        g = rng.normal(0, 1e-3f, n);
        m = Tensor.zeros(n);
        v = Tensor.zeros(n);
    }

    @Benchmark
    public Tensor step() {
        OptimizerKernels.adamW(p, g, m, v, 1e-4, 0.9, 0.95, 1e-8, 0.01, 0.5, 0.5);
        return p;
    }
}
