package io.flexigpt.nn;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.DeviceBuffer;

/**
 * Inference of a {@link LlamaModel} (plain, compressed or extended) through the ops of a {@link
 * ComputeBackend}, e.g. on an OpenCL device: the parameters are uploaded once, shared ones once, and
 * stay on the device; only token embeddings go up and logits come back. It sees the parameters as
 * they were when it was built. Training stays with the tensor path of {@link LlamaModel}.
 */
public final class DeviceModel {
    private final LlamaModel model;
    private final DeviceWeights weights;

    /** Uploads the parameters of {@code model} to {@code backend}. */
    public DeviceModel(LlamaModel model, ComputeBackend backend) {
        this.model = model;
        this.weights = new DeviceWeights(backend);
        for (var p : model.blocks().parameters()) weights.of(p);
        weights.of(model.finalNorm().weight());
        weights.of(model.headWeight());
    }

    public LlamaConfig config() {
        return model.config();
    }

    public ComputeBackend backend() {
        return weights.backend();
    }

    /** Floats held on the device for the parameters (shared ones counted once). */
    public long parameterFloats() {
        return weights.uploadedFloats();
    }

    /** Logits {@code [tokens.length, vocab]} of one sequence at positions {@code 0..}. */
    public Tensor logits(int[] tokens) {
        return session(tokens.length).append(tokens, true);
    }

    /** An empty sequence that can grow to {@code capacity} tokens (at most the model's context). */
    public Session session(int capacity) {
        int context = config().maxSeqLen();
        if (capacity < 1 || capacity > context) throw new IllegalArgumentException("capacity " + capacity + " must be in [1, " + context + "]");
        return new Session(capacity);
    }

    /** One sequence being extended token by token, with its keys and values cached on the device. */
    public final class Session {
        private final DeviceKvCache cache;
        private final int capacity;
        private int position;

        private Session(int capacity) {
            LlamaConfig c = config();
            this.cache = new DeviceKvCache(backend(), model.blocks().size(), capacity, c.kvDim());
            this.capacity = capacity;
        }

        /** Tokens processed so far. */
        public int position() {
            return position;
        }

        /**
         * Runs {@code tokens} at the next positions and returns the logits of every one of them
         * ({@code [tokens.length, vocab]}), or of the last only ({@code [1, vocab]}).
         */
        public Tensor append(int[] tokens, boolean allRows) {
            if (tokens.length == 0) throw new IllegalArgumentException("append: no tokens");
            if (position + tokens.length > capacity) {
                throw new IllegalStateException("session full: " + position + " + " + tokens.length + " tokens exceed its capacity of " + capacity);
            }
            int rows = tokens.length, dim = config().dim();
            DeviceBuffer x;
            try (NoGrad ignored = NoGrad.enter()) {
                x = backend().upload(model.embedding().forward(tokens).value().toFloatArray());
            }
            for (int i = 0; i < model.blocks().size(); i++) x = model.blocks().get(i).forward(weights, x, rows, position, cache.layer(i));
            position += rows;
            if (!allRows && rows > 1) {
                float[] last = new float[dim];
                System.arraycopy(x.read(), (rows - 1) * dim, last, 0, dim);
                x = backend().upload(last);
                rows = 1;
            }
            DeviceBuffer logits = weights.linear(model.finalNorm().forward(weights, x, rows), rows, model.headWeight());
            return Tensor.of(logits.read(), rows, config().vocabSize());
        }
    }
}
