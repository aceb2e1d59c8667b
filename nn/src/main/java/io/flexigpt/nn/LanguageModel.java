package io.flexigpt.nn;

import io.flexigpt.tensor.Tensor;

/**
 * A causal language model ready to run, whatever runs it: a {@link LlamaModel} on the tensor kernels, or
 * the same model on a compute device ({@code io.flexigpt.nn.device.DeviceModel}). Generation and scoring
 * take this, so they never ask where the model runs.
 */
public interface LanguageModel {
    /** The model's shape: vocabulary, context and the rest. */
    LlamaConfig config();

    /** Logits {@code [time, vocab]} of one sequence at positions {@code 0..}. */
    Tensor logits(int[] tokens);

    /** Logits {@code [batch, time, vocab]} of rows of equal length at positions {@code 0..}, one sequence per row. */
    default Tensor logits(int[][] rows) {
        if (rows.length == 0) throw new IllegalArgumentException("a batch needs at least one row of tokens, got none");
        Tensor out = null;
        for (int b = 0; b < rows.length; b++) {
            if (rows[b].length != rows[0].length) {
                throw new IllegalArgumentException("all sequences of a batch need the same length: row " + b + " has "
                        + rows[b].length + ", row 0 has " + rows[0].length);
            }
            Tensor row = logits(rows[b]);
            if (out == null) out = Tensor.zeros(row.dtype(), rows.length, row.dim(0), row.dim(1));
            out.select(0, b).copyFromInPlace(row);
        }
        return out;
    }

    /** An empty sequence that can grow to {@code capacity} tokens (at most the model's context). */
    Session session(int capacity);

    /**
     * One sequence extended token by token: the keys and values of the tokens already run stay cached
     * where the model runs, so each new token costs one pass over itself alone.
     */
    abstract class Session {
        private final int capacity;
        private int position;

        protected Session(int capacity, int context) {
            if (capacity < 1 || capacity > context)
                throw new IllegalArgumentException("capacity " + capacity + " must be in [1, " + context + "]");
            this.capacity = capacity;
        }

        /** Tokens run so far. */
        public final int position() {
            return position;
        }

        public final int capacity() {
            return capacity;
        }

        /**
         * Runs {@code tokens} at the next positions and returns the logits of every one of them
         * ({@code [tokens.length, vocab]}), or of the last only ({@code [1, vocab]}).
         */
        public final Tensor append(int[] tokens, boolean allRows) {
            if (tokens.length == 0) throw new IllegalArgumentException("append: no tokens");
            if (position + tokens.length > capacity) {
                throw new IllegalStateException("session full: " + position + " + " + tokens.length
                        + " tokens exceed its capacity of " + capacity);
            }
            Tensor logits = run(tokens, position, allRows);
            position += tokens.length;
            return logits;
        }

        /** The logits of {@code tokens} at positions {@code position..}, every row or the last, with their keys and values cached. */
        protected abstract Tensor run(int[] tokens, int position, boolean allRows);
    }
}
