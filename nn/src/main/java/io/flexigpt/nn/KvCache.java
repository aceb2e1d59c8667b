package io.flexigpt.nn;

import io.flexigpt.tensor.Tensor;

/**
 * Keys and values of every layer for positions already processed, so each generated token costs
 * O(context) instead of recomputing the whole prefix. Buffers are {@code [batch, kvHeads, capacity, headDim]}.
 */
public final class KvCache {
    /** One layer's key and value buffers. */
    public static final class Layer {
        private final Tensor keys, values;

        Layer(int batch, int kvHeads, int capacity, int headDim) {
            keys = Tensor.zeros(batch, kvHeads, capacity, headDim);
            values = Tensor.zeros(batch, kvHeads, capacity, headDim);
        }

        /** Stores {@code k, v [batch, kvHeads, time, headDim]} at positions {@code position..position+time}. */
        void write(Tensor k, Tensor v, int position) {
            int time = k.dim(2), capacity = keys.dim(2);
            if (position + time > capacity) {
                throw new IllegalStateException("KV cache full: positions " + position + ".." + (position + time) + " exceed capacity " + capacity);
            }
            keys.slice(2, position, position + time).copyFromInPlace(k);
            values.slice(2, position, position + time).copyFromInPlace(v);
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
