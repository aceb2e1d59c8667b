package io.flexigpt.bench;

import io.flexigpt.gpu.OpenClBackend;
import io.flexigpt.tensor.Gemm;
import io.flexigpt.tensor.backend.CpuBackend;
import io.flexigpt.tensor.backend.DeviceBuffer;
import io.flexigpt.tensor.backend.MatmulShape;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Square fp32 matmul on the OpenCL backend (tiled, local memory) next to the {@code CpuBackend}
 * reference loops and the fast CPU {@link Gemm#sgemm}, on the same operands in the same run.
 * {@code opencl} keeps operands and result on the device (what a forward pass does between ops);
 * {@code openclWithReadback} also copies the result to the host. The auxiliary counter {@code
 * gflop} adds {@code 2·n³/1e9} per call, so its score is GFLOPS. Needs an OpenCL device (PoCL on a
 * CPU-only machine). Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar GpuMatmul}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(time = 3)
@Measurement(time = 3)
public class GpuMatmulBenchmark {
    @Param({"256", "512", "1024"})
    public int size;

    private MatmulShape shape;
    private double gflopPerCall;
    private float[] a, b, c;

    /** Floating-point work done, in GFLOP; reported per second, i.e. as GFLOPS. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    /** The operands on the OpenCL device; only the OpenCL benchmarks load Aparapi and the driver. */
    @State(Scope.Benchmark)
    public static class OnOpenCl {
        OpenClBackend backend;
        DeviceBuffer a, b, c;

        @Setup(Level.Trial)
        public void open(GpuMatmulBenchmark operands) throws Exception {
            backend = OpenClBackend.open();
            System.err.println("OpenCL backend: " + backend);
            a = backend.upload(operands.a);
            b = backend.upload(operands.b);
            c = backend.allocate(operands.c.length);
        }

        @TearDown(Level.Trial)
        public void close() {
            backend.close();
        }
    }

    /** The operands in {@link CpuBackend} buffers. */
    @State(Scope.Benchmark)
    public static class OnCpuReference {
        final CpuBackend backend = new CpuBackend();
        DeviceBuffer a, b, c;

        @Setup(Level.Trial)
        public void upload(GpuMatmulBenchmark operands) {
            a = backend.upload(operands.a);
            b = backend.upload(operands.b);
            c = backend.allocate(operands.c.length);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        shape = MatmulShape.of(size, size, size);
        gflopPerCall = shape.flops() / 1e9;
        SplittableRandom rnd = new SplittableRandom(42);
        a = random(rnd, size * size);
        b = random(rnd, size * size);
        c = new float[size * size];
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
        return v;
    }

    @Benchmark
    public DeviceBuffer opencl(OnOpenCl cl, Work work) {
        cl.backend.matmul(shape, cl.a, cl.b, cl.c);
        work.gflop += gflopPerCall;
        return cl.c;
    }

    @Benchmark
    public float[] openclWithReadback(OnOpenCl cl, Work work) {
        cl.backend.matmul(shape, cl.a, cl.b, cl.c);
        work.gflop += gflopPerCall;
        return cl.c.read();
    }

    @Benchmark
    public DeviceBuffer cpuReference(OnCpuReference ref, Work work) {
        ref.backend.matmul(shape, ref.a, ref.b, ref.c);
        work.gflop += gflopPerCall;
        return ref.c;
    }

    @Benchmark
    public float[] gemm(Work work) {
        Gemm.sgemm(false, false, size, size, size, a, 0, size, b, 0, size, c, 0, size, false);
        work.gflop += gflopPerCall;
        return c;
    }
}
