package io.flexigpt.eval.tasks;

/**
 * What the model said about one item: per choice the summed log-likelihood of the continuation and
 * whether all its tokens were greedy, the acc_norm divisors and the right answer.
 */
public record ItemScore(double[] logLikelihoods, boolean[] greedy, int[] normLengths, int gold) {

    /** acc: the choice with the highest log-likelihood (first on ties, like numpy's argmax) is gold. */
    public boolean correct() {
        return choice() == gold;
    }

    /** The chosen answer: the index of the highest log-likelihood (first on ties). */
    public int choice() {
        return argmax(logLikelihoods);
    }

    /** acc_norm: the highest log-likelihood per character of the choice text is gold. */
    public boolean correctNormalized() {
        double[] perChar = new double[logLikelihoods.length];
        for (int i = 0; i < perChar.length; i++) {
            perChar[i] = logLikelihoods[i] / normLengths[i];
        }
        return argmax(perChar) == gold;
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
