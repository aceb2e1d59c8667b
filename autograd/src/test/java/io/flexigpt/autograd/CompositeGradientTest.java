package io.flexigpt.autograd;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.autograd.optim.AdamW;
import io.flexigpt.autograd.optim.LrSchedule;
import io.flexigpt.autograd.optim.ParamGroup;
import io.flexigpt.tensor.DType;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TensorGens;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whole-model checks: a 2-block Llama-style stack passes the finite-difference check; an MLP fits a fixed problem. */
class CompositeGradientTest {
    static final int VOCAB = 7, DIM = 8, HEADS = 2, KV_HEADS = 1, HIDDEN = 6, TIME = 4;

    static Tensor rand(long seed, int... shape) {
        return TensorGens.random(seed, shape).to(DType.F64).mul(0.5);
    }

    /** Embedding, two pre-norm blocks (GQA attention with RoPE, SwiGLU MLP), final norm, tied head, cross-entropy. */
    static Variable llamaLoss(Variable[] p, int[] tokens, int[] targets) {
        Variable x = Functions.embedding(p[0], tokens).reshape(1, TIME, DIM);
        int headDim = DIM / HEADS;
        for (int block = 0; block < 2; block++) {
            int o = 1 + block * 9;
            Variable h = x.rmsNorm(p[o], 1e-5);
            Variable q = h.matmul(p[o + 1].t()).reshape(1, TIME, HEADS, headDim);
            Variable k = h.matmul(p[o + 2].t()).reshape(1, TIME, KV_HEADS, headDim);
            Variable v = h.matmul(p[o + 3].t()).reshape(1, TIME, KV_HEADS, headDim);
            q = Functions.rope(q, 0, 10000, RopeLayout.INTERLEAVED).permute(0, 2, 1, 3);
            k = Functions.rope(k, 0, 10000, RopeLayout.INTERLEAVED).permute(0, 2, 1, 3);
            Variable att = Functions.causalAttention(q, k, v.permute(0, 2, 1, 3), 0)
                    .permute(0, 2, 1, 3)
                    .reshape(1, TIME, DIM);
            x = x.add(att.matmul(p[o + 4].t()));
            Variable h2 = x.rmsNorm(p[o + 5], 1e-5);
            Variable mlp = Functions.swiglu(h2.matmul(p[o + 6].t()), h2.matmul(p[o + 7].t()))
                    .matmul(p[o + 8].t());
            x = x.add(mlp);
        }
        Variable logits = x.rmsNorm(p[19], 1e-5).matmul(p[0].t()).reshape(TIME, VOCAB);
        return Functions.crossEntropy(logits, targets);
    }

    @Test
    void twoBlockLlamaStackPassesFiniteDifferenceCheck() {
        List<Tensor> params = new ArrayList<>();
        params.add(rand(1, VOCAB, DIM));
        for (int block = 0; block < 2; block++) {
            long s = 100 * (block + 1);
            params.add(rand(s, DIM).add(1));
            params.add(rand(s + 1, DIM, DIM));
            params.add(rand(s + 2, DIM / HEADS * KV_HEADS, DIM));
            params.add(rand(s + 3, DIM / HEADS * KV_HEADS, DIM));
            params.add(rand(s + 4, DIM, DIM));
            params.add(rand(s + 5, DIM).add(1));
            params.add(rand(s + 6, HIDDEN, DIM));
            params.add(rand(s + 7, HIDDEN, DIM));
            params.add(rand(s + 8, DIM, HIDDEN));
        }
        params.add(rand(999, DIM).add(1));
        int[] tokens = {1, 4, 2, 6};
        int[] targets = {4, 2, Functions.IGNORE_INDEX, 0};
        GradientCheck.Result r = GradientCheck.check(p -> llamaLoss(p, tokens, targets), params.toArray(new Tensor[0]));
        assertTrue(r.passes(GradientCheck.DEFAULT_TOLERANCE), r.toString());
    }

    @Test
    void smallMlpTrainsToNearZeroLoss() {
        // XOR-like regression: 4 points, 2 -> 8 -> 1 tanh MLP
        Tensor xs = Tensor.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
        Tensor ys = Tensor.of(new float[] {0, 1, 1, 0}, 4, 1);
        Variable w1 = Variable.parameter(TensorGens.random(3, 8, 2)), b1 = Variable.parameter(Tensor.zeros(8));
        Variable w2 = Variable.parameter(TensorGens.random(4, 1, 8).mul(0.5)), b2 = Variable.parameter(Tensor.zeros(1));
        AdamW opt = new AdamW(
                List.of(ParamGroup.of(List.of(w1, b1, w2, b2), 0)), LrSchedule.constant(0.05), 0.9, 0.999, 1e-8);
        double loss = Double.NaN;
        for (int step = 0; step < 500; step++) {
            opt.zeroGrad();
            Variable h = Variable.constant(xs).matmul(w1.t()).add(b1).tanh();
            Variable out = h.matmul(w2.t()).add(b2);
            Variable l = Functions.mse(out, Variable.constant(ys));
            l.backward();
            opt.step();
            loss = l.value().item();
        }
        assertTrue(loss < 1e-4, "final loss " + loss);
    }
}
