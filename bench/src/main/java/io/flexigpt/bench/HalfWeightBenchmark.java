package io.flexigpt.bench;

import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.Parallelism;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.HalfFloats;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A linear layer's {@code x·Wᵀ} with the weight stored in fp32 ({@code fp32}) next to the same weight in
 * BF16, widened while the GEMM packs it ({@code bf16}); both give bit-identical results. {@code shape} is
 * {@code rowsxoutxin}: one row is a decoded token, 64 rows a prefill chunk; 2048 and 5632 are
 * TinyLlama-1.1B's hidden and MLP sizes. Run:
 * {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar HalfWeightBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HalfWeightBenchmark {
    @Param({"1x2048x2048", "1x5632x2048", "1x2048x5632", "64x5632x2048"})
    public String shape;

    @Param({"2"})
    public int threads;

    private Tensor x, weight, half;

    @Setup
    public void setUp() {
        String[] dims = shape.split("x");
        int rows = Integer.parseInt(dims[0]), out = Integer.parseInt(dims[1]), in = Integer.parseInt(dims[2]);
        SplittableRandom rnd = new SplittableRandom(42);
        short[] bits = new short[out * in];
        for (int i = 0; i < bits.length; i++) bits[i] = HalfFloats.f32ToBf16((float) (rnd.nextDouble() * 0.1 - 0.05));
        half = Tensor.ofHalf(bits, DType.BF16, out, in);
        weight = half.to(DType.F32);
        float[] xv = new float[rows * in];
        for (int i = 0; i < xv.length; i++) xv[i] = (float) (rnd.nextDouble() * 2 - 1);
        x = Tensor.of(xv, rows, in);
        Parallelism.setThreads(threads);
    }

    @Benchmark
    public Tensor fp32() {
        return x.matmul(weight.t());
    }

    @Benchmark
    public Tensor bf16() {
        return x.matmul(half.t());
    }
}
