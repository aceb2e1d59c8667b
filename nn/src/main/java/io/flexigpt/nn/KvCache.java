package io.flexigpt.nn;

import io.flexigpt.tensor.Tensor;

/**
 * Keys and values of every layer for positions already processed, so each generated token costs
 * O(context) instead of recomputing the whole prefix. Buffers are {@code [batch, kvHeads, capacity, headDim]}, in
 * the dtype of the first keys written (fp64 models decode in fp64).
 */
public final class KvCache {
    /** One layer's key and value buffers, filled from position 0 without gaps. */
    public static final class Layer {
        private final int batch, kvHeads, capacity, headDim;
        private Tensor keys, values;
        private int filled;

        Layer(int batch, int kvHeads, int capacity, int headDim) {
            this.batch = batch;
            this.kvHeads = kvHeads;
            this.capacity = capacity;
            this.headDim = headDim;
        }

        /**
         * Stores {@code k, v [batch, kvHeads, time, headDim]} at positions {@code position..position+time}, which
         * continue where the cache is filled or start over at 0. The buffers take the dtype of the first keys.
         */
        void write(Tensor k, Tensor v, int position) {
            int time = k.dim(2);
            if (k.dim(0) != batch) {
                throw new IllegalArgumentException(
                        "KV cache holds " + batch + " sequences, got a batch of " + k.dim(0));
            }
            if (position != 0 && position != filled) {
                throw new IllegalArgumentException(
                        "KV cache is filled up to position " + filled + ": writing at position " + position
                                + " would leave positions unfilled; continue at " + filled + " or start over at 0");
            }
            if (position + time > capacity) {
                throw new IllegalStateException("KV cache full: positions " + position + ".." + (position + time)
                        + " exceed capacity " + capacity);
            }
            if (keys == null || (position == 0 && keys.dtype() != k.dtype())) {
                keys = Tensor.zeros(k.dtype(), batch, kvHeads, capacity, headDim);
                values = Tensor.zeros(k.dtype(), batch, kvHeads, capacity, headDim);
            }
            keys.slice(2, position, position + time).copyFromInPlace(k);
            values.slice(2, position, position + time).copyFromInPlace(v);
            filled = position + time;
        }

        /** Views of the first {@code length} positions. */
        Tensor keys(int length) {
            return keys.slice(2, 0, length);
        }

        Tensor values(int length) {
            return values.slice(2, 0, length);
        }
    }

    private final Layer[] layers;
    private final int capacity;

    public KvCache(int nLayers, int batch, int kvHeads, int capacity, int headDim) {
        this.capacity = capacity;
        layers = new Layer[nLayers];
        for (int i = 0; i < nLayers; i++) layers[i] = new Layer(batch, kvHeads, capacity, headDim);
    }

    /** A cache for {@code model} holding up to {@code capacity} positions of {@code batch} sequences. */
    public static KvCache forModel(LlamaModel model, int batch, int capacity) {
        LlamaConfig c = model.config();
        return new KvCache(model.blocks().size(), batch, c.nKvHeads(), capacity, c.headDim());
    }

    public Layer layer(int index) {
        return layers[index];
    }

    public int capacity() {
        return capacity;
    }
}
