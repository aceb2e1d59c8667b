package io.flexigpt.nn.train;

import io.flexigpt.autograd.Functions;
import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;

/** The training objective for one batch. */
@FunctionalInterface
public interface LossFunction {
    Variable loss(LlamaModel model, TokenDataset.Batch batch);

    /** Mean next-token cross-entropy. */
    static LossFunction crossEntropy() {
        return (model, batch) -> {
            Variable logits = model.forward(batch.inputs());
            int vocab = logits.dim(2);
            return Functions.crossEntropy(logits.reshape(-1, vocab), batch.flatTargets());
        };
    }
}
