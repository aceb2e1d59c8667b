package io.flexigpt.bench;

import io.flexigpt.tensor.Gemm;
import io.flexigpt.tensor.Parallelism;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.concurrency.EjmlConcurrency;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * fp32 matrix products: {@link Gemm#sgemm} next to EJML's single-threaded {@code CommonOps_FDRM}
 * and multi-threaded {@code CommonOps_MT_FDRM} on the same operands. {@code shape} is
 * {@code MxNxK} (C is M×N, the reduction K long), optionally suffixed {@code :AtB} (A stored K×M)
 * or {@code :ABt} (B stored N×K). {@code threads} sets {@link Parallelism} and EJML's pool alike.
 *
 * <p>Besides calls per second, every benchmark reports the auxiliary counter {@code gflop}, which
 * adds {@code 2·M·N·K / 1e9} per call; JMH divides it by the measured time, so its score is GFLOPS.
 * Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar MatmulBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MatmulBenchmark {
    @Param({
        "256x256x256",
        "512x512x512",
        "1024x1024x1024",
        "2048x2048x2048",
        "256x64x64",
        "256x64x172",
        "256x172x64",
        "1x4096x4096",
        "1x4096x4096:ABt",
        "256x256x64:AtB",
        "256x256x64:ABt"
    })
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private int m, n, k;
    private boolean transA, transB;
    private double gflopPerCall;
    private FMatrixRMaj a, b, c;

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

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split(":");
        String[] dims = parts[0].split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        k = Integer.parseInt(dims[2]);
        transA = parts.length > 1 && parts[1].equals("AtB");
        transB = parts.length > 1 && parts[1].equals("ABt");
        gflopPerCall = 2.0 * m * n * k / 1e9;
        SplittableRandom rnd = new SplittableRandom(42);
        a = random(rnd, transA ? k : m, transA ? m : k);
        b = random(rnd, transB ? n : k, transB ? k : n);
        c = new FMatrixRMaj(m, n);
        Parallelism.setThreads(threads);
        EjmlConcurrency.setMaxThreads(threads);
    }

    private static FMatrixRMaj random(SplittableRandom rnd, int rows, int cols) {
        FMatrixRMaj x = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) x.data[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    @Benchmark
    public FMatrixRMaj flexigpt(Work work) {
        Gemm.sgemm(transA, transB, m, n, k, a.data, 0, a.numCols, b.data, 0, b.numCols, c.data, 0, n, false);
        work.gflop += gflopPerCall;
        return c;
    }

    @Benchmark
    public FMatrixRMaj ejml(Work work) {
        if (transA) CommonOps_FDRM.multTransA(a, b, c);
        else if (transB) CommonOps_FDRM.multTransB(a, b, c);
        else CommonOps_FDRM.mult(a, b, c);
        work.gflop += gflopPerCall;
        return c;
    }

    @Benchmark
    public FMatrixRMaj ejmlConcurrent(Work work) {
        if (transA) CommonOps_MT_FDRM.multTransA(a, b, c);
        else if (transB) CommonOps_MT_FDRM.multTransB(a, b, c);
        else CommonOps_MT_FDRM.mult(a, b, c);
        work.gflop += gflopPerCall;
        return c;
    }
}
