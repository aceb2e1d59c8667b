package io.flexigpt.tensor.testing;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.flexigpt.tensor.Tensor;
import java.util.Random;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** QuickTheories generators for shapes and tensors, including size-1 axes and non-contiguous views. */
public final class TensorGens {
    private TensorGens() {}

    /** Shapes of rank {@code minRank..maxRank} with dimensions in {@code 1..maxDim}. */
    public static Gen<int[]> shapes(int minRank, int maxRank, int maxDim) {
        return Generate.intArrays(
                        integers().between(minRank, maxRank), integers().between(1, maxDim))
                .describedAs(java.util.Arrays::toString);
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

    /** Tensors of random shape (as {@link #shapes}) and layout (as {@link #withLayout}), values in [-2, 2). */
    public static Gen<Tensor> tensors(int minRank, int maxRank, int maxDim) {
        return shapes(minRank, maxRank, maxDim)
                .zip(longs().all(), integers().between(0, 2), (shape, seed, layout) -> withLayout(seed, layout, shape))
                .describedAs(TensorGens::describe);
    }

    /** Shape, layout and values of {@code t}, so that a failing example can be read from the report. */
    public static String describe(Tensor t) {
        return "Tensor" + java.util.Arrays.toString(t.shape()) + (t.isContiguous() ? " dense " : " view ")
                + java.util.Arrays.toString(t.toFloatArray());
    }
}
