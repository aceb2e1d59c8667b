package io.flexigpt.eval.tasks;

import io.flexigpt.nn.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * A context/continuation pair encoded as lm-evaluation-harness encodes it: trailing whitespace of the
 * context moves to the continuation; the continuation tokens are the tail of the encoding of
 * context + continuation past the length of the context's own encoding; the sequence is context
 * tokens then continuation tokens, left-truncated to {@code maxContext + 1} tokens.
 *
 * @param tokens the (possibly truncated) sequence the model scores
 * @param continuationLength how many trailing tokens of {@code tokens} are scored
 */
record Request(int[] tokens, int continuationLength) {

    static Request encode(Tokenizer tokenizer, Choice choice, boolean prependBos, int maxContext) {
        String context = choice.context();
        String continuation = choice.continuation();
        int kept = context.stripTrailing().length();
        continuation = context.substring(kept) + continuation;
        context = context.substring(0, kept);
        int[] contextIds =
                context.isEmpty() ? new int[] {tokenizer.bosId()} : tokenizer.encode(context, prependBos, false);
        int[] whole = context.isEmpty()
                ? concat(contextIds, tokenizer.encode(continuation, false, false))
                : tokenizer.encode(context + continuation, prependBos, false);
        int[] continuationIds = Arrays.copyOfRange(whole, Math.min(contextIds.length, whole.length), whole.length);
        int[] sequence = concat(contextIds, continuationIds);
        int keep = Math.min(sequence.length, maxContext + 1);
        if (continuationIds.length >= keep) {
            throw new TooLong("continuation of " + continuationIds.length + " tokens does not fit a context of "
                    + maxContext + " tokens");
        }
        return new Request(
                Arrays.copyOfRange(sequence, sequence.length - keep, sequence.length), continuationIds.length);
    }

    /** A request whose continuation alone does not fit the model's context. */
    static final class TooLong extends IllegalArgumentException {
        TooLong(String message) {
            super(message);
        }
    }

    int scoreFrom() {
        return tokens.length - continuationLength;
    }

    private static int[] concat(int[] first, int[] second) {
        int[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
