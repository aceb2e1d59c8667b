package io.flexigpt.compress;

import io.flexigpt.tensor.Tensor;

/** ShortGPT's Block Influence: {@code 1 - mean_t cos(x_in,t, x_out,t)}; a block that barely turns the hidden state scores low. */
public final class BlockInfluence extends HiddenStateMetric {
    @Override
    public String name() {
        return "bi";
    }

    @Override
    double[] perToken(Tensor in, Tensor out) {
        double[] dot = rowDot(in, out), ni = rowDot(in, in), no = rowDot(out, out);
        double[] v = new double[dot.length];
        for (int t = 0; t < v.length; t++) v[t] = 1 - dot[t] / Math.sqrt(ni[t] * no[t] + 1e-30);
        return v;
    }
}
