package io.flexigpt.tensor;

/**
 * The leading r singular triplets of a matrix A with the energies needed for the Eckart–Young error:
 * {@code top} holds U_r, σ_1..σ_r (descending) and V_rᵀ; {@code energy} is {@code ||A||_F²} and
 * {@code tailEnergy} is {@code Σ_{i>r} σ_i² = ||A - [A]_r||_F²}, both in double. Produced by
 * {@link Linalg#topSpectrum(Tensor, int)}.
 */
public record TopSpectrum(Svd top, double energy, double tailEnergy) {
    public TopSpectrum {
        if (!(energy >= 0) || !(tailEnergy >= 0) || tailEnergy > energy) {
            throw new IllegalArgumentException(
                    "TopSpectrum: need 0 ≤ tail energy ≤ energy, got tail " + tailEnergy + " of " + energy);
        }
    }

    /** The number of kept singular triplets r. */
    public int rank() {
        return top.rank();
    }
}
