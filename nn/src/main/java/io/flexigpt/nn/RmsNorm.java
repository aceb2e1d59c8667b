package io.flexigpt.nn;

import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.backend.DeviceBuffer;
import io.flexigpt.tensor.backend.RowsShape;

/** RMSNorm over the last axis with a learned gain. */
public final class RmsNorm extends Module {
    private final Variable weight;
    private final double eps;

    public RmsNorm(Tensor weight, double eps) {
        this.weight = parameter("weight", weight);
        this.eps = eps;
    }

    public Variable weight() {
        return weight;
    }

    public double eps() {
        return eps;
    }

    public Variable forward(Variable x) {
        return x.rmsNorm(weight, eps);
    }

    /** The same normalisation on a device, of {@code rows} rows of {@code x}. */
    DeviceBuffer forward(DeviceWeights device, DeviceBuffer x, int rows) {
        DeviceBuffer out = device.backend().allocate(x.length());
        device.backend().rmsNormRows(new RowsShape(rows, weight.dim(0)), x, device.of(weight), (float) eps, out);
        return out;
    }
}
