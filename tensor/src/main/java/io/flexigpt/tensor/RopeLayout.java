package io.flexigpt.tensor;

/**
 * Which elements of a head vector of size {@code d} rotate together in rotary position embedding: the one
 * name of the layout for {@link Tensor#rope} and the compute backends' {@code rope}. Checkpoints store q/k
 * weights for one of the two; the model applies the matching rotation.
 */
public enum RopeLayout {
    /** Pairs {@code (2i, 2i+1)}: Meta's llama and llama2.c checkpoints. */
    INTERLEAVED,
    /** Pairs {@code (i, i + d/2)}: Hugging Face checkpoints ("rotate half"). */
    ROTATE_HALF;

    /** Index of the first element of pair {@code i} in a head vector of size {@code headDim}. */
    public int first(int i, int headDim) {
        return this == INTERLEAVED ? 2 * i : i;
    }

    /** Index of the second element of pair {@code i} in a head vector of size {@code headDim}. */
    public int second(int i, int headDim) {
        return this == INTERLEAVED ? 2 * i + 1 : i + headDim / 2;
    }
}
