package io.flexigpt.compress;

import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Linalg;
import io.flexigpt.tensor.SpectrumMethod;
import io.flexigpt.tensor.Svd;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.TopSpectrum;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The source-selection metric {@code E(p, s) = Σ_m ||D_m - [D_m]_r||_F² / Σ_m ||W_p^m||_F²} with
 * {@code D_m = W_p^m - W_s^m} over the seven projections; by Eckart–Young the residual is the tail energy
 * {@code Σ_{i>r} σ_i² = ||D_m||_F² - Σ_{i≤r} σ_i²} of each difference, found from its top-r spectrum
 * ({@link Linalg#topSpectrum}: exact for small matrices, randomized for large ones). {@link #noSharing} is
 * the same ratio for {@code D_m = W_p^m} (replacing the block by a truncated SVD of its own weights, with no
 * shared base).
 */
final class LowRankResidual {
    private LowRankResidual() {}

    /** {@code E(p, s)} and the top-r factors of every projection's difference, keyed by projection name. */
    record Residual(double error, Map<String, Svd> factors) {}

    public static double error(TransformerBlock pruned, TransformerBlock source, RankSpec rank) {
        return measure(pruned, source, rank, SpectrumMethod.AUTO).error();
    }

    public static double noSharing(TransformerBlock pruned, RankSpec rank) {
        return measure(pruned, null, rank, SpectrumMethod.AUTO).error();
    }

    /** {@code E(p, s)} with its factors; a null {@code source} measures {@code D_m = W_p^m} (no sharing). */
    static Residual measure(TransformerBlock pruned, TransformerBlock source, RankSpec rank, SpectrumMethod method) {
        double residual = 0, norm = 0;
        Map<String, Svd> factors = new LinkedHashMap<>();
        for (String m : Projections.NAMES) {
            Tensor wp = Projections.linear(pruned, m).weight().value();
            Tensor d = source == null
                    ? wp
                    : wp.sub(Projections.linear(source, m).weight().value());
            TopSpectrum top = Linalg.topSpectrum(d, rank.rankFor(wp), method);
            residual += top.tailEnergy();
            factors.put(m, top.top());
            norm += wp.square().sum();
        }
        return new Residual(residual / norm, factors);
    }
}
