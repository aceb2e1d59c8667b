package io.flexigpt.compress;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.tensor.Tensor;

/** A metric averaged over every calibration token from each block's input and output hidden states. */
abstract class HiddenStateMetric implements ImportanceMetric {
    /** The per-token quantity for one block, from its input and output rows {@code [tokens, dim]}. */
    abstract double[] perToken(Tensor in, Tensor out);

    @Override
    public double[] score(LlamaModel model, CalibrationData data) {
        int blocks = model.blocks().size();
        double[] sum = new double[blocks];
        long[] count = new long[blocks];
        try (NoGrad ignored = NoGrad.enter()) {
            for (int[][] batch : data.inputs()) {
                model.forward(batch, 0, null, (i, in, out) -> {
                    int dim = in.dim(2);
                    for (double v :
                            perToken(in.value().reshape(-1, dim), out.value().reshape(-1, dim))) sum[i] += v;
                    count[i] += (long) in.dim(0) * in.dim(1);
                });
            }
        }
        double[] s = new double[blocks];
        for (int i = 0; i < blocks; i++) s[i] = sum[i] / count[i];
        return s;
    }

    static double[] rowDot(Tensor a, Tensor b) {
        return a.mul(b).sum(-1, false).toDoubleArray();
    }
}
