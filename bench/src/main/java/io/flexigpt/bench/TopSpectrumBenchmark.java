package io.flexigpt.bench;

import io.flexigpt.tensor.Linalg;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.SpectrumMethod;
import io.flexigpt.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The Eckart–Young tail energy {@code Σ_{i>r} σ_i²} of one weight difference {@code W_p - W_s} (two
 * random N(0, 0.02²) matrices, a flat spectrum like the stand-in models'), as the FlexiGPT source
 * search needs it for every (pruned, kept) pair and projection: {@code exact} is the full EJML
 * spectrum ({@link Linalg#tailEnergy}, the reference), {@code randomized} the top-r spectrum by the
 * randomized range finder on the fp32 GEMM ({@link Linalg#topSpectrum}, which also returns the top-r
 * factors). Shapes: TinyLlama-1.1B's MLP (5632×2048) and SmolLM2-135M's (576×1536). One call per
 * measured iteration; the exact 5632×2048 call takes tens of seconds, so keep iterations few, e.g.
 * {@code -f 1 -wi 1 -i 3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class TopSpectrumBenchmark {
    @Param({"5632x2048", "576x1536"})
    String shape;

    @Param({"8", "64"})
    int rank;

    Tensor difference;

    @Setup
    public void setup() {
        String[] mn = shape.split("x");
        int m = Integer.parseInt(mn[0]), n = Integer.parseInt(mn[1]);
        Rng rng = new Rng(1);
        difference = rng.normal(0, 0.02f, m, n).sub(rng.normal(0, 0.02f, m, n));
    }

    @Benchmark
    public double exact() {
        return Linalg.tailEnergy(difference, rank);
    }

    @Benchmark
    public double randomized() {
        return Linalg.topSpectrum(difference, rank, SpectrumMethod.RANDOMIZED).tailEnergy();
    }
}
