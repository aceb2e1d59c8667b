package io.flexigpt.nn.device;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.nn.LanguageModel;
import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.backend.ComputeBackend;
import io.flexigpt.tensor.backend.DeviceBuffer;

/**
 * Inference of a {@link LlamaModel} (plain, compressed or extended) through the ops of a {@link
 * ComputeBackend}, e.g. on an OpenCL device, derived from the model's structure: the parameters are
 * uploaded once, shared ones once, and stay on the device; only token embeddings go up and logits come
 * back. It sees the parameters as they were when it was built. Training stays with the tensor path.
 */
public final class DeviceModel implements LanguageModel {
    private final LlamaModel model;
    private final DeviceWeights weights;
    private final DeviceLayers layers;

    /** Uploads the parameters of {@code model} to {@code backend}. */
    public DeviceModel(LlamaModel model, ComputeBackend backend) {
        this.model = model;
        this.weights = new DeviceWeights(backend);
        this.layers = new DeviceLayers(weights);
        for (var p : model.blocks().parameters()) weights.of(p);
        weights.of(model.finalNorm().weight());
        weights.of(model.headWeight());
    }

    @Override
    public LlamaConfig config() {
        return model.config();
    }

    private ComputeBackend backend() {
        return weights.backend();
    }

    /** Floats held on the device for the parameters (shared ones counted once). */
    public long parameterFloats() {
        return weights.uploadedFloats();
    }

    /** Logits {@code [tokens.length, vocab]} of one sequence at positions {@code 0..}. */
    @Override
    public Tensor logits(int[] tokens) {
        return session(tokens.length).append(tokens, true);
    }

    /** An empty sequence that can grow to {@code capacity} tokens, its keys and values cached on the device. */
    @Override
    public Session session(int capacity) {
        return new DeviceSession(capacity);
    }

    private final class DeviceSession extends Session {
        private final DeviceKvCache cache;

        private DeviceSession(int capacity) {
            super(capacity, config().maxSeqLen());
            this.cache = new DeviceKvCache(backend(), model.blocks().size(), capacity, config().kvDim());
        }

        @Override
        protected Tensor run(int[] tokens, int position, boolean allRows) {
            int rows = tokens.length, dim = config().dim();
            DeviceBuffer x;
            try (NoGrad ignored = NoGrad.enter()) {
                x = backend().upload(model.embedding().forward(tokens).value().toFloatArray());
            }
            for (int i = 0; i < model.blocks().size(); i++)
                x = layers.block(model.blocks().get(i), x, rows, position, cache.layer(i));
            if (!allRows && rows > 1) {
                float[] last = new float[dim];
                System.arraycopy(x.read(), (rows - 1) * dim, last, 0, dim);
                x = backend().upload(last);
                rows = 1;
            }
            DeviceBuffer logits = weights.linear(layers.norm(model.finalNorm(), x, rows), rows, model.headWeight());
            return Tensor.of(logits.read(), rows, config().vocabSize());
        }
    }
}
