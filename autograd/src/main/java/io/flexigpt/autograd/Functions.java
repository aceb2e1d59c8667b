package io.flexigpt.autograd;

import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.ShapeException;
import io.flexigpt.tensor.Tensor;
import java.util.Arrays;

/**
 * The differentiable building blocks of a Llama block and its training losses: embedding lookup, RoPE,
 * grouped-query causal attention, SwiGLU, cross-entropy with an ignore index, KL divergence between
 * logits, mean-squared error.
 */
public final class Functions {
    private Functions() {}

    /** Target value that cross-entropy skips. */
    public static final int IGNORE_INDEX = -100;

    /** Rows {@code ids} of {@code weight [vocab, dim]}, as {@code [ids.length, dim]}. */
    public static Variable embedding(Variable weight, int[] ids) {
        Tensor w = weight.value();
        int[] copy = ids.clone();
        return Variable.result(w.indexSelect(0, copy), "embedding", g -> {
            Tensor dw = Tensor.zeros(g.dtype(), w.shape());
            dw.indexAddInPlace(0, copy, g);
            return new Tensor[] {dw};
        }, weight);
    }

    /** Rotary position embedding of {@code x [batch, time, heads, headDim]}, first position {@code offset}. */
    public static Variable rope(Variable x, int offset, double theta, boolean interleaved) {
        return Variable.result(x.value().rope(offset, theta, interleaved, false), "rope",
                g -> new Tensor[] {g.rope(offset, theta, interleaved, true)}, x);
    }

    /** {@code silu(gate) * up}, the SwiGLU product. */
    public static Variable swiglu(Variable gate, Variable up) {
        return gate.silu().mul(up);
    }

    /**
     * Causal scaled-dot-product attention with grouped-query heads. {@code q [batch, qHeads, time, headDim]},
     * {@code k, v [batch, kvHeads, keys, headDim]}; query t (absolute position {@code queryOffset + t})
     * attends keys {@code 0..queryOffset + t}. Query head h uses kv head {@code h / (qHeads / kvHeads)}.
     * Returns {@code [batch, qHeads, time, headDim]}. Computed blockwise ({@link BlockAttention}): memory
     * grows with {@code time}, never with {@code time × keys}.
     */
    public static Variable causalAttention(Variable q, Variable k, Variable v, int queryOffset) {
        int[] qs = q.shape(), ks = k.shape();
        if (qs.length != 4 || ks.length != 4 || !Arrays.equals(ks, v.shape()) || qs[0] != ks[0] || qs[3] != ks[3] || qs[1] % ks[1] != 0) {
            throw new ShapeException("causalAttention: incompatible q " + Arrays.toString(qs) + ", k " + Arrays.toString(ks) + ", v " + Arrays.toString(v.shape()));
        }
        int time = qs[2], keys = ks[2];
        if (queryOffset < 0 || queryOffset + time > keys) {
            throw new ShapeException("causalAttention: " + time + " queries at offset " + queryOffset + " need at least " + (queryOffset + time) + " keys, got " + keys);
        }
        return BlockAttention.apply(q, k, v, queryOffset, BlockAttention.QUERY_BLOCK, BlockAttention.KEY_BLOCK);
    }

    /**
     * Mean cross-entropy of {@code logits [n, vocab]} against {@code targets} (length n), skipping rows whose
     * target is {@link #IGNORE_INDEX}. Returns 0 when every row is ignored.
     */
    public static Variable crossEntropy(Variable logits, int[] targets) {
        Tensor x = logits.value();
        if (x.rank() != 2 || x.dim(0) != targets.length) {
            throw new ShapeException("crossEntropy: logits " + Arrays.toString(x.shape()) + " do not match " + targets.length + " targets");
        }
        int n = x.dim(0), vocab = x.dim(1);
        Tensor logp = x.logSoftmax(-1);
        double total = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            int t = targets[i];
            if (t == IGNORE_INDEX) continue;
            if (t < 0 || t >= vocab) throw new IndexOutOfBoundsException("crossEntropy: target " + t + " at row " + i + " out of bounds for vocabulary " + vocab);
            total -= logp.get(i, t);
            count++;
        }
        int valid = count;
        Tensor loss = scalarOf(x.dtype(), valid == 0 ? 0 : total / valid);
        int[] ts = targets.clone();
        return Variable.result(loss, "crossEntropy", g -> {
            if (valid == 0) return new Tensor[] {Tensor.zeros(x.dtype(), x.shape())};
            Tensor grad = logp.exp();
            float[] keep = new float[n];
            for (int i = 0; i < n; i++) {
                if (ts[i] == IGNORE_INDEX) continue;
                keep[i] = 1;
                grad.setInPlace(grad.get(i, ts[i]) - 1, i, ts[i]);
            }
            Tensor rowMask = Tensor.of(keep, n, 1);
            return new Tensor[] {grad.mul(rowMask).mul(g.item() / valid)};
        }, logits);
    }

    /**
     * Mean over rows of KL(teacher || student) between the next-token distributions given as logits
     * {@code [n, vocab]}; the teacher is a constant. Gradient: {@code (softmax(student) - softmax(teacher)) / n}.
     */
    public static Variable klDivergence(Variable studentLogits, Tensor teacherLogits) {
        Tensor s = studentLogits.value();
        if (!Arrays.equals(s.shape(), teacherLogits.shape()) || s.rank() != 2) {
            throw new ShapeException("klDivergence: student " + Arrays.toString(s.shape()) + " and teacher " + Arrays.toString(teacherLogits.shape()) + " must be equal [n, vocab]");
        }
        int n = s.dim(0);
        Tensor logPs = s.logSoftmax(-1), logPt = teacherLogits.logSoftmax(-1);
        Tensor pt = logPt.exp();
        double kl = pt.mul(logPt.sub(logPs)).sum() / n;
        return Variable.result(scalarOf(s.dtype(), kl), "klDivergence",
                g -> new Tensor[] {logPs.exp().sub(pt).mul(g.item() / n)}, studentLogits);
    }

    /** Mean of {@code (a - b)^2} over all elements. */
    public static Variable mse(Variable a, Variable b) {
        return a.sub(b).square().mean();
    }

    private static Tensor scalarOf(DType dtype, double v) {
        return dtype == DType.F64 ? Tensor.ofDouble(new double[] {v}) : Tensor.scalar((float) v);
    }
}
