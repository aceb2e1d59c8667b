package io.flexigpt.tensor.testing;

import io.flexigpt.tensor.Tensor;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for shapes and tensors, including size-1 axes and non-contiguous views. */
public final class TensorArbitraries {
    private TensorArbitraries() {}

    /** Shapes of rank {@code minRank..maxRank} with dimensions in {@code 1..maxDim}. */
    public static Arbitrary<int[]> shapes(int minRank, int maxRank, int maxDim) {
        return Arbitraries.integers().between(1, maxDim).array(int[].class).ofMinSize(minRank).ofMaxSize(maxRank);
    }

    /** A dense tensor of {@code shape} with values uniform in [-2, 2) from {@code seed}. */
    public static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int s : shape) n *= s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 4 - 2);
        return Tensor.of(v, shape);
    }

    /**
     * A tensor of {@code shape} that is, depending on {@code layout}, dense (0), a transposed view of a
     * dense tensor (1), or a strided slice of a larger one (2); its values come from {@code seed}.
     */
    public static Tensor withLayout(long seed, int layout, int... shape) {
        int rank = shape.length;
        if (layout == 1 && rank >= 2) {
            int[] swapped = shape.clone();
            swapped[rank - 1] = shape[rank - 2];
            swapped[rank - 2] = shape[rank - 1];
            return random(seed, swapped).transpose(rank - 1, rank - 2);
        }
        if (layout == 2 && rank >= 1) {
            int[] bigger = shape.clone();
            bigger[rank - 1] = shape[rank - 1] * 2 + 1;
            return random(seed, bigger).slice(rank - 1, 1, 1 + shape[rank - 1]);
        }
        return random(seed, shape);
    }

    /** Tensors of random shape and layout. */
    public static Arbitrary<Tensor> tensors(int minRank, int maxRank, int maxDim) {
        return Combinators.combine(shapes(minRank, maxRank, maxDim), Arbitraries.longs(), Arbitraries.integers().between(0, 2))
                .as((shape, seed, layout) -> withLayout(seed, layout, shape));
    }
}
