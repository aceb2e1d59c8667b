package io.flexigpt.nn;

import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.DeviceBuffer;

/** Keys and values of one sequence on a device, per layer {@code [capacity, kvHeads·headDim]} (the layout attention reads). */
final class DeviceKvCache {
    /** One layer's key and value buffers. */
    static final class Layer {
        private final DeviceBuffer keys, values;
        private final int rowLength, capacity;

        private Layer(ComputeBackend backend, int capacity, int rowLength) {
            this.keys = backend.allocate(Math.multiplyExact(capacity, rowLength));
            this.values = backend.allocate(Math.multiplyExact(capacity, rowLength));
            this.rowLength = rowLength;
            this.capacity = capacity;
        }

        /** Stores the rows of {@code k} and {@code v} at positions {@code position..} (through host memory). */
        void append(int position, DeviceBuffer k, DeviceBuffer v) {
            int rows = k.length() / rowLength;
            if (position + rows > capacity) {
                throw new IllegalStateException("KV cache full: positions " + position + ".." + (position + rows) + " exceed capacity " + capacity);
            }
            keys.write(position * rowLength, k.read());
            values.write(position * rowLength, v.read());
        }

        DeviceBuffer keys() {
            return keys;
        }

        DeviceBuffer values() {
            return values;
        }
    }

    private final Layer[] layers;

    DeviceKvCache(ComputeBackend backend, int nLayers, int capacity, int rowLength) {
        layers = new Layer[nLayers];
        for (int i = 0; i < nLayers; i++) layers[i] = new Layer(backend, capacity, rowLength);
    }

    Layer layer(int index) {
        return layers[index];
    }
}
