package io.flexigpt.nn;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.tensor.Tensor;

/** A {@link LanguageModel.Session} of a {@link LlamaModel} on the tensor kernels, with its {@link KvCache}. */
final class TensorSession extends LanguageModel.Session {
    private final LlamaModel model;
    private final KvCache cache;

    TensorSession(LlamaModel model, int capacity) {
        super(capacity, model.config().maxSeqLen());
        this.model = model;
        this.cache = KvCache.forModel(model, 1, capacity);
    }

    @Override
    protected Tensor run(int[] tokens, int position, boolean allRows) {
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor logits = model.forward(new int[][] {tokens}, position, cache, null)
                    .value()
                    .select(0, 0);
            return allRows ? logits : logits.slice(0, tokens.length - 1, tokens.length);
        }
    }
}
