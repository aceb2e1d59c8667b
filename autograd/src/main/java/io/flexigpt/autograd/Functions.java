package io.flexigpt.autograd;

import io.flexigpt.tensor.RopeLayout;
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
        return Variable.result(
                w.indexSelect(0, copy),
                "embedding",
                g -> {
                    Tensor dw = Tensor.zeros(g.dtype(), w.shape());
                    dw.indexAddInPlace(0, copy, g);
                    return new Tensor[] {dw};
                },
                weight);
    }

    /** Rotary position embedding of {@code x [batch, time, heads, headDim]}, first position {@code offset}. */
    public static Variable rope(Variable x, int offset, double theta, RopeLayout layout) {
        return Variable.result(
                x.value().rope(offset, theta, layout, false),
                "rope",
                g -> new Tensor[] {g.rope(offset, theta, layout, true)},
                x);
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
        if (qs.length != 4
                || ks.length != 4
                || !Arrays.equals(ks, v.shape())
                || qs[0] != ks[0]
                || qs[3] != ks[3]
                || qs[1] % ks[1] != 0) {
            throw new ShapeException("causalAttention: incompatible q " + Arrays.toString(qs) + ", k "
                    + Arrays.toString(ks) + ", v " + Arrays.toString(v.shape()));
        }
        int time = qs[2], keys = ks[2];
        if (queryOffset < 0 || queryOffset + time > keys) {
            throw new ShapeException("causalAttention: " + time + " queries at offset " + queryOffset
                    + " need at least " + (queryOffset + time) + " keys, got " + keys);
        }
        return BlockAttention.apply(q, k, v, queryOffset, BlockAttention.QUERY_BLOCK, BlockAttention.KEY_BLOCK);
    }

    /**
     * Mean cross-entropy of {@code logits [n, vocab]} against {@code targets} (length n), skipping rows whose
     * target is {@link #IGNORE_INDEX}. Returns 0 when every row is ignored. Computed in row chunks
     * ({@link VocabLoss}): no [n, vocab] temporaries besides the gradient.
     */
    public static Variable crossEntropy(Variable logits, int[] targets) {
        Tensor x = logits.value();
        if (x.rank() != 2 || x.dim(0) != targets.length) {
            throw new ShapeException("crossEntropy: logits " + Arrays.toString(x.shape()) + " do not match "
                    + targets.length + " targets");
        }
        return VocabLoss.apply(logits, null, targets, 0, 1);
    }

    /**
     * Mean over rows of KL(teacher || student) between the next-token distributions given as logits
     * {@code [n, vocab]}; the teacher is a constant. Gradient: {@code (softmax(student) - softmax(teacher)) / n}.
     */
    public static Variable klDivergence(Variable studentLogits, Tensor teacherLogits) {
        checkTeacher("klDivergence", studentLogits.value(), teacherLogits);
        return VocabLoss.apply(studentLogits, teacherLogits, null, 1, 0);
    }

    /**
     * {@code klWeight · }{@link #klDivergence}{@code  + ceWeight · }{@link #crossEntropy} of the same student
     * logits {@code [n, vocab]}, fused: one pass over the vocabulary per chunk of rows and one gradient
     * tensor. {@code targets} are not read when {@code ceWeight} is 0.
     */
    public static Variable distillation(
            Variable studentLogits, Tensor teacherLogits, int[] targets, double klWeight, double ceWeight) {
        checkTeacher("distillation", studentLogits.value(), teacherLogits);
        if (ceWeight != 0 && (targets == null || targets.length != studentLogits.dim(0))) {
            throw new ShapeException("distillation: logits " + Arrays.toString(studentLogits.shape()) + " do not match "
                    + (targets == null ? "no" : String.valueOf(targets.length)) + " targets");
        }
        return VocabLoss.apply(studentLogits, teacherLogits, targets, klWeight, ceWeight);
    }

    private static void checkTeacher(String op, Tensor student, Tensor teacher) {
        if (!Arrays.equals(student.shape(), teacher.shape()) || student.rank() != 2) {
            throw new ShapeException(op + ": student " + Arrays.toString(student.shape()) + " and teacher "
                    + Arrays.toString(teacher.shape()) + " must be equal [n, vocab]");
        }
    }

    /** Mean of {@code (a - b)^2} over all elements. */
    public static Variable mse(Variable a, Variable b) {
        return a.sub(b).square().mean();
    }
}
