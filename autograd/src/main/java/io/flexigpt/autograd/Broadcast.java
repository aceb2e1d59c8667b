package io.flexigpt.autograd;

import io.flexigpt.tensor.ShapeException;
import io.flexigpt.tensor.Tensor;
import java.util.Arrays;

/** Reduces a gradient of a broadcast result back to the shape of the input that was broadcast. */
final class Broadcast {
    private Broadcast() {}

    static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        if (lead < 0)
            throw new ShapeException(
                    "gradient of shape " + Arrays.toString(gs) + " cannot be reduced to " + Arrays.toString(shape));
        Tensor r = g;
        for (int i = 0; i < lead; i++) r = r.sum(0, false);
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1 && r.dim(i) != 1) r = r.sum(i, true);
            else if (shape[i] != r.dim(i)) {
                throw new ShapeException(
                        "gradient of shape " + Arrays.toString(gs) + " cannot be reduced to " + Arrays.toString(shape));
            }
        }
        return r;
    }
}
