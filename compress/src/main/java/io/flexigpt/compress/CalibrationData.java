package io.flexigpt.compress;

import io.flexigpt.autograd.Functions;
import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.tensor.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * Calibration text as batches of token windows: each window of {@code seqLen + 1} tokens gives
 * {@code seqLen} inputs and their next-token targets.
 */
public record CalibrationData(List<int[][]> inputs, List<int[][]> targets, int seqLen) {

    /** {@code windows} random windows from {@code tokens}, in batches of {@code batchSize}, drawn with {@code seed}. */
    public static CalibrationData sample(int[] tokens, int windows, int seqLen, int batchSize, long seed) {
        if (tokens.length < seqLen + 1)
            throw new IllegalArgumentException(
                    "calibration text of " + tokens.length + " tokens is shorter than one window of " + (seqLen + 1));
        Rng rng = new Rng(seed);
        List<int[][]> in = new ArrayList<>(), tg = new ArrayList<>();
        for (int w = 0; w < windows; w += batchSize) {
            int n = Math.min(batchSize, windows - w);
            int[][] x = new int[n][seqLen], y = new int[n][seqLen];
            for (int b = 0; b < n; b++) {
                int start = rng.nextInt(tokens.length - seqLen);
                System.arraycopy(tokens, start, x[b], 0, seqLen);
                System.arraycopy(tokens, start + 1, y[b], 0, seqLen);
            }
            in.add(x);
            tg.add(y);
        }
        return new CalibrationData(in, tg, seqLen);
    }

    public int tokens() {
        int n = 0;
        for (int[][] b : inputs) n += b.length * seqLen;
        return n;
    }

    /** Mean next-token cross-entropy of {@code model} on this data (no graph recorded). */
    public double loss(LlamaModel model) {
        double sum = 0;
        long count = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            for (int i = 0; i < inputs.size(); i++) {
                Variable logits = model.forward(inputs.get(i));
                int n = inputs.get(i).length * seqLen;
                sum += Functions.crossEntropy(logits.reshape(n, -1), flatten(targets.get(i)))
                                .value()
                                .item()
                        * n;
                count += n;
            }
        }
        return sum / count;
    }

    /** {@code exp(loss)}. */
    public double perplexity(LlamaModel model) {
        return Math.exp(loss(model));
    }

    static int[] flatten(int[][] rows) {
        int[] flat = new int[rows.length * rows[0].length];
        for (int b = 0; b < rows.length; b++) System.arraycopy(rows[b], 0, flat, b * rows[0].length, rows[0].length);
        return flat;
    }
}
