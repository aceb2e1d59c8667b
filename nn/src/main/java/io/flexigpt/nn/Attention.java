package io.flexigpt.nn;

import io.flexigpt.autograd.Functions;
import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.tensor.RopeLayout;

/**
 * Grouped-query causal self-attention with rotary position embedding: projections {@code q_proj},
 * {@code k_proj}, {@code v_proj}, {@code o_proj}; optionally reads and extends a {@link KvCache.Layer}.
 */
public final class Attention extends Module {
    private final Projection q, k, v, o;
    private final int nHeads, nKvHeads, headDim;
    private final double ropeTheta;
    private final RopeLayout ropeLayout;

    public Attention(LlamaConfig config, Projection q, Projection k, Projection v, Projection o) {
        this.q = module("q_proj", q);
        this.k = module("k_proj", k);
        this.v = module("v_proj", v);
        this.o = module("o_proj", o);
        this.nHeads = config.nHeads();
        this.nKvHeads = config.nKvHeads();
        this.headDim = config.headDim();
        this.ropeTheta = config.ropeTheta();
        this.ropeLayout = config.ropeLayout();
    }

    public Projection q() {
        return q;
    }

    public Projection k() {
        return k;
    }

    public Projection v() {
        return v;
    }

    public Projection o() {
        return o;
    }

    /** Query heads. */
    public int nHeads() {
        return nHeads;
    }

    /** Key and value heads; each serves {@code nHeads / nKvHeads} query heads. */
    public int nKvHeads() {
        return nKvHeads;
    }

    public int headDim() {
        return headDim;
    }

    /** The rotary embedding's base frequency. */
    public double ropeTheta() {
        return ropeTheta;
    }

    /** How the rotary embedding pairs the features of a head. */
    public RopeLayout ropeLayout() {
        return ropeLayout;
    }

    /**
     * {@code x [batch, time, dim]} at absolute positions {@code position..position+time}. With a cache
     * (inference only), keys and values of earlier positions come from it and the new ones are stored.
     */
    public Variable forward(Variable x, int position, KvCache.Layer cache) {
        int batch = x.dim(0), time = x.dim(1);
        Variable qs = Functions.rope(
                        q.forward(x).reshape(batch, time, nHeads, headDim), position, ropeTheta, ropeLayout)
                .permute(0, 2, 1, 3);
        Variable ks = Functions.rope(
                        k.forward(x).reshape(batch, time, nKvHeads, headDim), position, ropeTheta, ropeLayout)
                .permute(0, 2, 1, 3);
        Variable vs = v.forward(x).reshape(batch, time, nKvHeads, headDim).permute(0, 2, 1, 3);
        Variable out;
        if (cache != null) {
            if (!NoGrad.active())
                throw new IllegalStateException("a KV cache is for inference: use it inside a NoGrad scope");
            cache.write(ks.value(), vs.value(), position);
            Variable allK = Variable.constant(cache.keys(position + time)),
                    allV = Variable.constant(cache.values(position + time));
            out = Functions.causalAttention(qs, allK, allV, position);
        } else {
            if (position != 0)
                throw new IllegalArgumentException("attention without a cache starts at position 0, got " + position);
            out = Functions.causalAttention(qs, ks, vs, 0);
        }
        return o.forward(out.permute(0, 2, 1, 3).reshape(batch, time, nHeads * headDim));
    }
}
