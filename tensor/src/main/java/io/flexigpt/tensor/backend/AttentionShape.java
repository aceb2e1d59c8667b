package io.flexigpt.tensor.backend;

/**
 * Causal attention core over one sequence: {@code queries} query rows of {@code heads·headDim}
 * floats, {@code keys} key and value rows of {@code kvHeads·headDim} floats (query head {@code h}
 * reads kv head {@code h / (heads/kvHeads)}, grouped-query attention). The queries are the last
 * {@code queries} positions of the {@code keys} long sequence, so query {@code i} sees keys
 * {@code 0 .. keys-queries+i}; the first {@code keys-queries} keys and values come from a KV cache,
 * the rest are the queries' own. Scores are scaled by {@code 1/sqrt(headDim)}; the output has the
 * queries' layout.
 */
public record AttentionShape(int queries, int keys, int heads, int kvHeads, int headDim) {
    public AttentionShape {
        Operands.requirePositive("attention", queries, keys, heads, kvHeads, headDim);
        if (queries > keys)
            throw new IllegalArgumentException("attention: " + queries + " queries but only " + keys + " keys");
        if (heads % kvHeads != 0)
            throw new IllegalArgumentException(
                    "attention: " + heads + " heads do not share " + kvHeads + " kv heads evenly");
        Operands.product(queries, heads, headDim);
        Operands.product(keys, kvHeads, headDim);
    }

    /** Self-attention of {@code seq} tokens without a cache. */
    public static AttentionShape causal(int seq, int heads, int kvHeads, int headDim) {
        return new AttentionShape(seq, seq, heads, kvHeads, headDim);
    }

    /**
     * Throws unless the buffers fit this shape — k and v hold the queries' own {@code queries} rows, the
     * cache has room for {@code keys} rows from its offset — and are distinct.
     */
    public void check(DeviceBuffer q, DeviceBuffer k, DeviceBuffer v, KvCacheSlice cache, DeviceBuffer out) {
        Operands.requireDistinct("attention", q, k, v, cache.keys(), cache.values(), out);
        Operands.requireLength("attention", "q", q, (long) queries * heads * headDim);
        Operands.requireLength("attention", "k", k, (long) queries * kvHeads * headDim);
        Operands.requireLength("attention", "v", v, (long) queries * kvHeads * headDim);
        Operands.requireAtLeast(
                "attention", "cached keys", cache.keys(), cache.offset() + (long) keys * kvHeads * headDim);
        Operands.requireAtLeast(
                "attention", "cached values", cache.values(), cache.offset() + (long) keys * kvHeads * headDim);
        Operands.requireLength("attention", "out", out, (long) queries * heads * headDim);
    }

    /** Number of query heads that share one kv head. */
    public int group() {
        return heads / kvHeads;
    }
}
