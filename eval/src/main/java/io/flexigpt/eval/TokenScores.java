package io.flexigpt.eval;

/**
 * The scores a {@link ScoringModel} gives the scored tail of one sequence: entry {@code j} is about
 * the token at position {@code scoreFrom + j}. The arrays are owned by this record and not copied.
 *
 * @param logProbs natural-log probability of each scored token given all tokens before it
 * @param greedy whether each scored token was the model's argmax prediction at its position
 */
public record TokenScores(double[] logProbs, boolean[] greedy) {

    public TokenScores {
        if (logProbs.length != greedy.length) {
            throw new IllegalArgumentException(
                    "logProbs has " + logProbs.length + " entries but greedy has " + greedy.length);
        }
    }

    /** Number of scored tokens. */
    public int count() {
        return logProbs.length;
    }

    /** Sum of the log-probabilities: the log-likelihood of the scored tokens. */
    public double sum() {
        double total = 0;
        for (double logProb : logProbs) {
            total += logProb;
        }
        return total;
    }

    /** Whether every scored token was the greedy prediction (true when nothing was scored). */
    public boolean allGreedy() {
        for (boolean g : greedy) {
            if (!g) {
                return false;
            }
        }
        return true;
    }
}
