package io.flexigpt.compress;

import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Linalg;
import io.flexigpt.tensor.Tensor;

/**
 * The source-selection metric {@code E(p, s) = Σ_m ||D_m - [D_m]_r||_F² / Σ_m ||W_p^m||_F²} with
 * {@code D_m = W_p^m - W_s^m} over the seven projections; by Eckart–Young the residual is the tail energy
 * {@code Σ_{i>r} σ_i²} of each difference. {@link #noSharing} is the same ratio for {@code D_m = W_p^m}
 * (replacing the block by a truncated SVD of its own weights, with no shared base).
 */
public final class LowRankResidual {
    private LowRankResidual() {}

    public static double error(TransformerBlock pruned, TransformerBlock source, RankSpec rank) {
        double residual = 0, norm = 0;
        for (String m : Projections.NAMES) {
            Tensor wp = Projections.linear(pruned, m).weight().value(), ws = Projections.linear(source, m).weight().value();
            residual += Linalg.tailEnergy(wp.sub(ws), rank.rankFor(wp));
            norm += wp.square().sum();
        }
        return residual / norm;
    }

    public static double noSharing(TransformerBlock pruned, RankSpec rank) {
        double residual = 0, norm = 0;
        for (String m : Projections.NAMES) {
            Tensor wp = Projections.linear(pruned, m).weight().value();
            residual += Linalg.tailEnergy(wp, rank.rankFor(wp));
            norm += wp.square().sum();
        }
        return residual / norm;
    }
}
