package io.flexigpt.nn.device;

import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.DeviceBuffer;
import io.flexigpt.tensor.backend.KvCacheSlice;

/**
 * Keys and values of one sequence on a device: one pair of buffers for all layers, layer {@code l} at
 * rows {@code [l·capacity, (l+1)·capacity)} of {@code kvHeads·headDim} floats, so the buffers stay
 * bound to the attention kernel from layer to layer. Attention appends the rows itself.
 */
final class DeviceKvCache {
    private final DeviceBuffer keys, values;
    private final int layerFloats;

    DeviceKvCache(ComputeBackend backend, int nLayers, int capacity, int rowLength) {
        this.layerFloats = Math.multiplyExact(capacity, rowLength);
        this.keys = backend.allocate(Math.multiplyExact(nLayers, layerFloats));
        this.values = backend.allocate(Math.multiplyExact(nLayers, layerFloats));
    }

    KvCacheSlice layer(int index) {
        return new KvCacheSlice(keys, values, index * layerFloats);
    }
}
