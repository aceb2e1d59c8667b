package io.flexigpt.tensor;

/**
 * How {@link Linalg#topSpectrum(Tensor, int, SpectrumMethod)} finds the leading singular triplets.
 * {@code AUTO} is the rule used by default: {@code EXACT} when {@code min(m, n) ≤ 2 l} with the
 * sketch width l = 2r + 10, where a sketch would be no cheaper than the whole matrix, {@code RANDOMIZED}
 * otherwise.
 */
public enum SpectrumMethod {
    /** Exact for small matrices, randomized for the others (see the type comment). */
    AUTO,
    /** The full double-precision EJML SVD, truncated. */
    EXACT,
    /** The randomized range finder with power iterations (Halko, Martinsson and Tropp 2011). */
    RANDOMIZED
}
