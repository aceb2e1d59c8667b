package io.flexigpt.tensor;

/**
 * A seeded random number generator (xoshiro256**, seeded through SplitMix64) whose whole state can be
 * read and restored, so training resumes exactly. Tensors are filled sequentially in row-major order,
 * so results never depend on thread count or scheduling.
 */
public final class Rng {
    private long s0, s1, s2, s3;
    private double spareGaussian = Double.NaN;

    /** A generator whose four state words are the first four SplitMix64 outputs from {@code seed}. */
    public Rng(long seed) {
        long x = seed;
        s0 = splitMix(x += 0x9E3779B97F4A7C15L);
        s1 = splitMix(x += 0x9E3779B97F4A7C15L);
        s2 = splitMix(x += 0x9E3779B97F4A7C15L);
        s3 = splitMix(x + 0x9E3779B97F4A7C15L);
    }

    private Rng(long[] state) {
        if (state.length != 5) throw new IllegalArgumentException("Rng state needs 5 values, got " + state.length);
        s0 = state[0];
        s1 = state[1];
        s2 = state[2];
        s3 = state[3];
        spareGaussian = Double.longBitsToDouble(state[4]);
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The complete state as five values: the four xoshiro256** words and the raw bits of the cached
     * second Gaussian of a polar pair (NaN when none is cached). The array is a copy.
     */
    public long[] state() {
        return new long[] {s0, s1, s2, s3, Double.doubleToRawLongBits(spareGaussian)};
    }

    /** A generator that continues exactly where the one that produced {@code state} was. */
    public static Rng restore(long[] state) {
        return new Rng(state);
    }

    /**
     * An independent generator for sub-stream {@code stream}, seeded by mixing {@code stream} with this
     * generator's current state. This generator does not advance, so equal states and streams give equal forks.
     */
    public Rng fork(long stream) {
        return new Rng(splitMix(s0 ^ splitMix(stream + 0x632BE59BD9B4E019L)) ^ s3);
    }

    /** The next 64 uniformly random bits (one xoshiro256** step). */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in {@code [0, 1)} with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in {@code [0, bound)}, unbiased (rejection of the incomplete last range). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        long limit = (1L << 31) - ((1L << 31) % bound);
        while (true) {
            long r = nextLong() >>> 33;
            if (r < limit) return (int) (r % bound);
        }
    }

    /** Standard normal by the Marsaglia polar method (pairs; the second value is cached). */
    public double nextGaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double g = spareGaussian;
            spareGaussian = Double.NaN;
            return g;
        }
        double u, v, s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * m;
        return u * m;
    }

    /** An fp32 tensor uniform in {@code [lo, hi)} (values that round up to {@code hi} in fp32 are redrawn). */
    public Tensor uniform(float lo, float hi, int... shape) {
        if (!(lo < hi)) throw new IllegalArgumentException("uniform: need lo < hi, got [" + lo + ", " + hi + ")");
        float[] v = new float[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            float x;
            do {
                x = (float) (lo + ((double) hi - lo) * nextDouble());
            } while (x >= hi);
            v[i] = x;
        }
        return Tensor.of(v, shape);
    }

    /** An fp32 tensor of independent {@code N(mean, std²)} samples from {@link #nextGaussian()}. */
    public Tensor normal(float mean, float std, int... shape) {
        float[] v = new float[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (mean + std * nextGaussian());
        return Tensor.of(v, shape);
    }

    /**
     * An fp32 tensor of {@code N(mean, std²)} samples, each redrawn until it falls in {@code [lo, hi]};
     * fails when the interval is so far in the tail that 10 000 draws miss it.
     */
    public Tensor truncatedNormal(float mean, float std, float lo, float hi, int... shape) {
        if (!(lo < hi))
            throw new IllegalArgumentException("truncatedNormal: need lo < hi, got [" + lo + ", " + hi + "]");
        float[] v = new float[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            double x;
            int tries = 0;
            do {
                x = mean + std * nextGaussian();
                if (++tries > 10_000)
                    throw new IllegalArgumentException("truncatedNormal: [" + lo + ", " + hi
                            + "] is too far in the tail of N(" + mean + ", " + std + "²)");
            } while (x < lo || x > hi);
            v[i] = (float) x;
        }
        return Tensor.of(v, shape);
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher–Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
