package io.flexigpt.nn;

import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.backend.DeviceBuffer;

/**
 * A module mapping the last axis from {@code inFeatures} to {@code outFeatures}: a plain {@link Linear},
 * or a compressed replacement such as a shared base weight plus a low-rank adapter.
 */
public abstract class Projection extends Module {
    public abstract Variable forward(Variable x);

    /** The same map on a device: {@code x [rows, inFeatures]} to a new buffer {@code [rows, outFeatures]}. */
    public abstract DeviceBuffer forward(DeviceWeights device, DeviceBuffer x, int rows);

    public abstract int inFeatures();

    public abstract int outFeatures();
}
