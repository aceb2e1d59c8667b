package io.flexigpt.nn;

/**
 * The shape of a Llama-family model. Validated on construction so that absurd checkpoint headers fail
 * with a clear message instead of an out-of-memory error.
 */
public record LlamaConfig(int dim, int nLayers, int nHeads, int nKvHeads, int hiddenDim, int vocabSize,
                          int maxSeqLen, float ropeTheta, float normEps, boolean tiedEmbeddings, RopeLayout ropeLayout) {
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
        if (dim % nHeads != 0) throw new IllegalArgumentException("dim " + dim + " is not a multiple of nHeads " + nHeads);
        if (nHeads % nKvHeads != 0) throw new IllegalArgumentException("nHeads " + nHeads + " is not a multiple of nKvHeads " + nKvHeads);
        if ((dim / nHeads) % 2 != 0) throw new IllegalArgumentException("head size " + dim / nHeads + " must be even for rotary embeddings");
        if (!(ropeTheta > 0) || !(normEps > 0) || !Float.isFinite(ropeTheta) || !Float.isFinite(normEps)) {
            throw new IllegalArgumentException("ropeTheta and normEps must be positive and finite, got " + ropeTheta + " and " + normEps);
        }
        if (ropeLayout == null) throw new IllegalArgumentException("ropeLayout is required");
    }

    private static void check(String name, int value, int max) {
        if (value <= 0 || value > max) throw new IllegalArgumentException(name + " = " + value + " is outside [1, " + max + "]");
    }

    public int headDim() {
        return dim / nHeads;
    }

    public int kvDim() {
        return headDim() * nKvHeads;
    }

    /** The same configuration with {@code layers} blocks. */
    public LlamaConfig withLayers(int layers) {
        return new LlamaConfig(dim, layers, nHeads, nKvHeads, hiddenDim, vocabSize, maxSeqLen, ropeTheta, normEps, tiedEmbeddings, ropeLayout);
    }

    /** The same configuration for q/k weights stored in {@code layout}. */
    public LlamaConfig withRopeLayout(RopeLayout layout) {
        return new LlamaConfig(dim, nLayers, nHeads, nKvHeads, hiddenDim, vocabSize, maxSeqLen, ropeTheta, normEps, tiedEmbeddings, layout);
    }

    /** Parameters of the plain model with this configuration (embedding counted once when tied). */
    public long parameterCount() {
        long perBlock = 2L * dim + (long) dim * dim * 2 + 2L * kvDim() * dim + 3L * dim * hiddenDim;
        return (long) vocabSize * dim * (tiedEmbeddings ? 1 : 2) + nLayers * perBlock + dim;
    }
}
