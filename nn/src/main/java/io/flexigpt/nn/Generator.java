package io.flexigpt.nn;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.Tensor;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Autoregressive generation with a KV cache: the prompt is processed in one forward pass, then each new
 * token costs one single-position pass. Stops at a stop token (EOS or BOS, as llama2.c does), at
 * {@code maxNewTokens}, at the model's context, or when the callback returns false.
 */
public final class Generator {
    private final LlamaModel model;

    public Generator(LlamaModel model) {
        this.model = model;
    }

    /**
     * Generates after {@code prompt} (token ids, usually starting with BOS); {@code onToken} receives each new
     * token id as it is chosen and may return false to stop. Returns the new token ids (without the prompt).
     */
    public int[] generate(int[] prompt, int maxNewTokens, SamplingConfig sampling, int[] stopTokens, IntPredicate onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("generate: the prompt needs at least one token (e.g. BOS)");
        if (maxNewTokens < 0) throw new IllegalArgumentException("generate: maxNewTokens must be >= 0, got " + maxNewTokens);
        int context = model.config().maxSeqLen();
        if (prompt.length >= context) throw new IllegalArgumentException("generate: prompt of " + prompt.length + " tokens fills the context of " + context);
        int capacity = (int) Math.min(context, (long) prompt.length + maxNewTokens);
        Sampler sampler = new Sampler(sampling);
        int[] out = new int[Math.max(0, capacity - prompt.length)];
        int produced = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            KvCache cache = KvCache.forModel(model, 1, capacity);
            Tensor logits = lastRow(model.forward(new int[][] {prompt}, 0, cache, null));
            int position = prompt.length;
            while (produced < out.length) {
                int next = sampler.next(logits.toFloatArray());
                if (contains(stopTokens, next)) break;
                out[produced++] = next;
                if (onToken != null && !onToken.test(next)) break;
                if (produced >= out.length) break;
                logits = lastRow(model.forward(new int[][] {{next}}, position, cache, null));
                position++;
            }
        }
        return Arrays.copyOf(out, produced);
    }

    private static Tensor lastRow(Variable logits) {
        Tensor v = logits.value();
        return v.select(0, 0).select(0, v.dim(1) - 1);
    }

    private static boolean contains(int[] set, int x) {
        if (set == null) return false;
        for (int s : set) if (s == x) return true;
        return false;
    }
}
