package io.flexigpt.compress;

import io.flexigpt.tensor.Tensor;

/** Relative change of the hidden state, {@code ||x_out - x_in|| / ||x_in||}, averaged over tokens. */
final class RelativeL2 extends HiddenStateMetric {
    @Override
    public String name() {
        return "l2";
    }

    @Override
    double[] perToken(Tensor in, Tensor out) {
        Tensor d = out.sub(in);
        double[] dd = rowDot(d, d), ni = rowDot(in, in);
        double[] v = new double[dd.length];
        for (int t = 0; t < v.length; t++) v[t] = Math.sqrt(dd[t] / (ni[t] + 1e-30));
        return v;
    }
}
