package io.flexigpt.nn;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Autoregressive generation with a KV cache: the prompt is processed in one forward pass, then each new
 * token costs one single-position pass. Stops at a stop token (EOS or BOS, as llama2.c does), at
 * {@code maxNewTokens}, at the model's context, or when the callback returns false.
 */
public final class Generator {
    private final LanguageModel model;
    /** Only ids below this are sampled (the model's vocabulary unless {@link #limitedTo} says less). */
    private final int sampled;

    /** Generates with {@code model}, wherever it runs. */
    public Generator(LanguageModel model) {
        this(model, model.config().vocabSize());
    }

    private Generator(LanguageModel model, int sampled) {
        this.model = model;
        this.sampled = sampled;
    }

    /**
     * This generator sampling only ids below {@code vocabulary}, e.g. the size of a tokenizer smaller than the
     * model's (padded) vocabulary, whose extra ids have no text.
     */
    public Generator limitedTo(int vocabulary) {
        if (vocabulary < 1 || vocabulary > sampled)
            throw new IllegalArgumentException("limitedTo: " + vocabulary + " is not in 1.." + sampled);
        return new Generator(model, vocabulary);
    }

    /**
     * Generates after {@code prompt} (token ids, usually starting with BOS); {@code onToken} receives each new
     * token id as it is chosen and may return false to stop. Returns the new token ids (without the prompt).
     */
    public int[] generate(
            int[] prompt, int maxNewTokens, SamplingConfig sampling, int[] stopTokens, IntPredicate onToken) {
        return run(prompt, maxNewTokens, sampling, stopTokens, onToken).tokens();
    }

    /**
     * What one generation produced and how long it took: {@code prefillNanos} for the prompt's forward pass,
     * {@code decodeNanos} for the {@code decodePasses} single-position passes after it; {@code stopToken} is
     * the stop token that ended it, or -1.
     */
    public record Result(
            int[] tokens, int promptTokens, long prefillNanos, int decodePasses, long decodeNanos, int stopToken) {
        /** Prompt tokens per second of prefill. */
        public double prefillTokensPerSecond() {
            return prefillNanos == 0 ? 0 : promptTokens * 1e9 / prefillNanos;
        }

        /** Single-position passes per second after the prefill (the first new token comes from the prefill's logits). */
        public double decodeTokensPerSecond() {
            return decodeNanos == 0 ? 0 : decodePasses * 1e9 / decodeNanos;
        }
    }

    /** As {@link #generate}, with the timings of the prefill and the decoding. */
    public Result run(int[] prompt, int maxNewTokens, SamplingConfig sampling, int[] stopTokens, IntPredicate onToken) {
        if (prompt.length == 0)
            throw new IllegalArgumentException("generate: the prompt needs at least one token (e.g. BOS)");
        if (maxNewTokens < 0)
            throw new IllegalArgumentException("generate: maxNewTokens must be >= 0, got " + maxNewTokens);
        int context = model.config().maxSeqLen();
        if (prompt.length >= context)
            throw new IllegalArgumentException(
                    "generate: prompt of " + prompt.length + " tokens fills the context of " + context);
        int capacity = (int) Math.min(context, (long) prompt.length + maxNewTokens);
        Sampler sampler = new Sampler(sampling);
        int[] history = Arrays.copyOf(prompt, capacity);
        int produced = 0, stop = -1, passes = 0;
        long start = System.nanoTime();
        LanguageModel.Session session = model.session(capacity);
        float[] logits = lastLogits(session, prompt);
        long prefilled = System.nanoTime();
        while (prompt.length + produced < capacity) {
            int next = sampler.next(
                    logits.length > sampled ? Arrays.copyOf(logits, sampled) : logits,
                    history,
                    prompt.length + produced);
            if (contains(stopTokens, next)) {
                stop = next;
                break;
            }
            history[prompt.length + produced++] = next;
            if (onToken != null && !onToken.test(next)) break;
            if (prompt.length + produced >= capacity) break;
            logits = lastLogits(session, new int[] {next});
            passes++;
        }
        long end = System.nanoTime();
        return new Result(
                Arrays.copyOfRange(history, prompt.length, prompt.length + produced),
                prompt.length,
                prefilled - start,
                passes,
                end - prefilled,
                stop);
    }

    private static float[] lastLogits(LanguageModel.Session session, int[] tokens) {
        return session.append(tokens, false).toFloatArray();
    }

    private static boolean contains(int[] set, int x) {
        if (set == null) return false;
        for (int s : set) if (s == x) return true;
        return false;
    }
}
