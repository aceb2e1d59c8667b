package io.flexigpt.compress;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import java.util.Map;

/**
 * Exact parameter accounting: {@code stored} counts each distinct tensor once (shared weights once);
 * {@code adapters} counts the low-rank factors; {@code trainable} what recovery updates;
 * {@code computePerToken} counts every use of a weight in a forward pass (a shared weight once per block
 * that uses it; the tied embedding once, as the output head).
 */
public record ParameterAccount(long stored, long adapters, long trainable, long computePerToken) {
    public static ParameterAccount of(LlamaModel model) {
        long adapters = 0, compute = 0;
        for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
            long n = e.getValue().value().numel();
            if (e.getKey().endsWith("lora_A") || e.getKey().endsWith("lora_B")) adapters += n;
            compute += n;
        }
        return new ParameterAccount(model.parameterCount(), adapters, model.trainableParameterCount(), compute);
    }
}
