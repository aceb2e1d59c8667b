package io.flexigpt.nn;

import io.flexigpt.autograd.Variable;
import java.util.Arrays;
import java.util.List;

/**
 * One term {@code scale · F₁ F₂ ⋯ Fₙ} of a {@link Projection}'s weight: a product of weight matrices,
 * {@code F₁ [out, k₁]}, …, {@code Fₙ [kₙ₋₁, in]}, applied as {@code y = scale · x (F₁ ⋯ Fₙ)ᵀ}, that
 * is {@code x Fₙᵀ} first and {@code F₁ᵀ} last, so a low-rank product never forms the full matrix. A
 * plain weight is the single term {@code W}; a shared base plus adapter is {@code W_s} and {@code B A}.
 */
public record LinearTerm(double scale, List<Variable> factors) {
    public LinearTerm {
        factors = List.copyOf(factors);
        if (factors.isEmpty()) throw new IllegalArgumentException("a linear term needs at least one factor");
        if (!Double.isFinite(scale))
            throw new IllegalArgumentException("a linear term's scale must be finite, got " + scale);
        for (int i = 0; i < factors.size(); i++) {
            if (factors.get(i).rank() != 2) {
                throw new IllegalArgumentException("factor " + i + " of a linear term must be 2-D, got "
                        + Arrays.toString(factors.get(i).shape()));
            }
            if (i > 0 && factors.get(i - 1).dim(1) != factors.get(i).dim(0)) {
                throw new IllegalArgumentException("factors " + (i - 1) + " "
                        + Arrays.toString(factors.get(i - 1).shape()) + " and " + i + " "
                        + Arrays.toString(factors.get(i).shape()) + " of a linear term do not chain");
            }
        }
    }

    /** The unscaled product of {@code factors}, outermost first. */
    public static LinearTerm of(Variable... factors) {
        return new LinearTerm(1, List.of(factors));
    }

    public int outFeatures() {
        return factors.get(0).dim(0);
    }

    public int inFeatures() {
        return factors.get(factors.size() - 1).dim(1);
    }

    /** {@code scale · x (F₁ ⋯ Fₙ)ᵀ} for {@code x [..., in]}. */
    Variable apply(Variable x) {
        Variable y = x;
        for (int i = factors.size() - 1; i >= 0; i--)
            y = y.matmul(factors.get(i).t());
        return scale == 1 ? y : y.mul(scale);
    }
}
