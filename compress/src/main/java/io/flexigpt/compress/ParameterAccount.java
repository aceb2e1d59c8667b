package io.flexigpt.compress;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;

/**
 * Exact parameter accounting: {@code stored} counts each distinct tensor once (shared weights once);
 * {@code adapters} counts the low-rank factors; {@code trainable} what recovery updates;
 * {@code computePerToken} counts every use of a weight in a forward pass (a shared weight once per block
 * that uses it; the tied embedding once, as the output head).
 */
public record ParameterAccount(long stored, long adapters, long trainable, long computePerToken) {
    public static ParameterAccount of(LlamaModel model) {
        long adapters = 0, compute = 0;
        for (Variable v : model.namedParameters().values()) compute += v.value().numel();
        for (TransformerBlock b : model.blocks().asList())
            for (Variable v : Projections.adapters(b)) adapters += v.value().numel();
        return new ParameterAccount(model.parameterCount(), adapters, model.trainableParameterCount(), compute);
    }
}
