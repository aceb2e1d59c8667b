package io.flexigpt.nn;

import io.flexigpt.tensor.RopeLayout;

/**
 * The shape of a Llama-family model. Validated on construction so that absurd checkpoint headers fail
 * with a clear message instead of an out-of-memory error. Build one with {@link #builder()}, or derive one
 * with {@link #toBuilder()} and the {@code withX} methods.
 */
public record LlamaConfig(
        int dim,
        int nLayers,
        int nHeads,
        int nKvHeads,
        int hiddenDim,
        int vocabSize,
        int maxSeqLen,
        float ropeTheta,
        float normEps,
        boolean tiedEmbeddings,
        RopeLayout ropeLayout) {
    /** Upper bounds far beyond any model this library can hold in memory. */
    static final int MAX_DIM = 1 << 16, MAX_LAYERS = 1 << 10, MAX_VOCAB = 1 << 22, MAX_SEQ = 1 << 22;

    public LlamaConfig {
        check("dim", dim, MAX_DIM);
        check("nLayers", nLayers, MAX_LAYERS);
        check("nHeads", nHeads, MAX_DIM);
        check("nKvHeads", nKvHeads, MAX_DIM);
        check("hiddenDim", hiddenDim, 4 * MAX_DIM);
        check("vocabSize", vocabSize, MAX_VOCAB);
        check("maxSeqLen", maxSeqLen, MAX_SEQ);
        if (dim % nHeads != 0)
            throw new IllegalArgumentException("dim " + dim + " is not a multiple of nHeads " + nHeads);
        if (nHeads % nKvHeads != 0)
            throw new IllegalArgumentException("nHeads " + nHeads + " is not a multiple of nKvHeads " + nKvHeads);
        if ((dim / nHeads) % 2 != 0)
            throw new IllegalArgumentException("head size " + dim / nHeads + " must be even for rotary embeddings");
        if (!(ropeTheta > 0) || !(normEps > 0) || !Float.isFinite(ropeTheta) || !Float.isFinite(normEps)) {
            throw new IllegalArgumentException(
                    "ropeTheta and normEps must be positive and finite, got " + ropeTheta + " and " + normEps);
        }
        if (ropeLayout == null) throw new IllegalArgumentException("ropeLayout is required");
    }

    private static void check(String name, int value, int max) {
        if (value <= 0 || value > max)
            throw new IllegalArgumentException(name + " = " + value + " is outside [1, " + max + "]");
    }

    public int headDim() {
        return dim / nHeads;
    }

    public int kvDim() {
        return headDim() * nKvHeads;
    }

    /** The same configuration with {@code layers} blocks. */
    public LlamaConfig withLayers(int layers) {
        return toBuilder().layers(layers).build();
    }

    /** The same configuration for q/k weights stored in {@code layout}. */
    public LlamaConfig withRopeLayout(RopeLayout layout) {
        return toBuilder().ropeLayout(layout).build();
    }

    /**
     * A builder with the usual defaults: rotary base 10000, norm epsilon 1e-5, an untied output head, the
     * Hugging Face rotary layout ({@link RopeLayout#ROTATE_HALF}) and as many kv heads as heads. The sizes
     * ({@code dim}, {@code layers}, {@code heads}, {@code hiddenDim}, {@code vocabSize}, {@code maxSeqLen}) have no default.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return builder()
                .dim(dim)
                .layers(nLayers)
                .heads(nHeads)
                .kvHeads(nKvHeads)
                .hiddenDim(hiddenDim)
                .vocabSize(vocabSize)
                .maxSeqLen(maxSeqLen)
                .ropeTheta(ropeTheta)
                .normEps(normEps)
                .tiedEmbeddings(tiedEmbeddings)
                .ropeLayout(ropeLayout);
    }

    /** Collects a configuration's values by name; {@link #build()} validates them. */
    public static final class Builder {
        private int dim, layers, heads, kvHeads, hiddenDim, vocabSize, maxSeqLen;
        private float ropeTheta = 10000f, normEps = 1e-5f;
        private boolean tiedEmbeddings, kvHeadsSet;
        private RopeLayout ropeLayout = RopeLayout.ROTATE_HALF;

        private Builder() {}

        public Builder dim(int v) {
            dim = v;
            return this;
        }

        public Builder layers(int v) {
            layers = v;
            return this;
        }

        public Builder heads(int v) {
            heads = v;
            return this;
        }

        /** Key/value heads for grouped-query attention (default: as many as {@link #heads(int)}). */
        public Builder kvHeads(int v) {
            kvHeads = v;
            kvHeadsSet = true;
            return this;
        }

        public Builder hiddenDim(int v) {
            hiddenDim = v;
            return this;
        }

        public Builder vocabSize(int v) {
            vocabSize = v;
            return this;
        }

        public Builder maxSeqLen(int v) {
            maxSeqLen = v;
            return this;
        }

        public Builder ropeTheta(float v) {
            ropeTheta = v;
            return this;
        }

        public Builder normEps(float v) {
            normEps = v;
            return this;
        }

        public Builder tiedEmbeddings(boolean v) {
            tiedEmbeddings = v;
            return this;
        }

        public Builder ropeLayout(RopeLayout v) {
            ropeLayout = v;
            return this;
        }

        public LlamaConfig build() {
            return new LlamaConfig(
                    dim,
                    layers,
                    heads,
                    kvHeadsSet ? kvHeads : heads,
                    hiddenDim,
                    vocabSize,
                    maxSeqLen,
                    ropeTheta,
                    normEps,
                    tiedEmbeddings,
                    ropeLayout);
        }
    }

    /** Parameters of the plain model with this configuration (embedding counted once when tied). */
    public long parameterCount() {
        long perBlock = 2L * dim + (long) dim * dim * 2 + 2L * kvDim() * dim + 3L * dim * hiddenDim;
        return (long) vocabSize * dim * (tiedEmbeddings ? 1 : 2) + nLayers * perBlock + dim;
    }
}
