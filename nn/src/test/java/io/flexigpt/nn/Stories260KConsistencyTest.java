package io.flexigpt.nn;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.train.LossFunction;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.tensor.RopeLayout;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On the real stories260K weights (grouped-query, interleaved RoPE, tied head): token-by-token decoding with
 * the KV cache reproduces the full forward, and the fp64 loss gradient matches central differences.
 */
class Stories260KConsistencyTest {
    static LlamaModel model;
    static final int[] TOKENS = {
        1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337, 410, 408,
        419, 292, 411, 322, 265, 282, 295, 433, 426, 385
    };

    /** Loads the shared data once, before the first test; while it is missing, each test is skipped (counted) instead. */
    @BeforeEach
    void load() throws IOException {
        if (model != null) return;
        model = LlamaModel.fromCheckpoint(Checkpoints.load(TestData.file("models/stories260K/stories260K.bin")));
    }

    @Test
    void cachedDecodingReproducesTheFullForward() {
        LlamaConfig c = model.config();
        assertTrue(
                c.nKvHeads() < c.nHeads() && c.ropeLayout() == RopeLayout.INTERLEAVED && c.tiedEmbeddings(),
                c.toString());
        Tensor full = model.logits(TOKENS);
        try (NoGrad ignored = NoGrad.enter()) {
            KvCache cache = KvCache.forModel(model, 1, TOKENS.length);
            Tensor prompt = model.forward(new int[][] {Arrays.copyOf(TOKENS, 5)}, 0, cache, null)
                    .value()
                    .select(0, 0);
            assertTrue(
                    prompt.maxAbsDiff(full.slice(0, 0, 5)) < 1e-4,
                    "prompt logits differ by " + prompt.maxAbsDiff(full.slice(0, 0, 5)));
            for (int t = 5; t < TOKENS.length; t++) {
                Tensor step = model.forward(new int[][] {{TOKENS[t]}}, t, cache, null)
                        .value()
                        .select(0, 0)
                        .select(0, 0);
                double diff = step.maxAbsDiff(full.select(0, t));
                assertTrue(diff < 1e-4, "position " + t + ": cached logits differ by " + diff);
            }
        }
    }

    @Test
    void lossGradientMatchesCentralDifferencesOnRealWeights() {
        LlamaModel m = TinyModels.toF64(model);
        int n = 12;
        TokenDataset.Batch batch = new TokenDataset.Batch(
                new int[][] {Arrays.copyOf(TOKENS, n)}, new int[][] {Arrays.copyOfRange(TOKENS, 1, n + 1)});
        LossFunction loss = LossFunction.crossEntropy();
        loss.loss(m, batch).backward();
        Object[][] samples = {
            {"model.embed_tokens.weight", new int[] {403, 5}},
            {"model.embed_tokens.weight", new int[] {426, 60}},
            {"model.layers.0.self_attn.q_proj.weight", new int[] {7, 3}},
            {"model.layers.2.self_attn.k_proj.weight", new int[] {20, 41}},
            {"model.layers.4.self_attn.v_proj.weight", new int[] {5, 9}},
            {"model.layers.1.self_attn.o_proj.weight", new int[] {33, 12}},
            {"model.layers.3.input_layernorm.weight", new int[] {17}},
            {"model.layers.0.post_attention_layernorm.weight", new int[] {2}},
            {"model.layers.2.mlp.gate_proj.weight", new int[] {100, 30}},
            {"model.layers.4.mlp.down_proj.weight", new int[] {50, 150}},
            {"model.norm.weight", new int[] {63}},
        };
        for (Object[] s : samples) {
            String name = (String) s[0];
            int[] index = (int[]) s[1];
            Variable p = m.namedParameters().get(name);
            double orig = p.value().get(index), h = 1e-6;
            double plus = at(loss, m, batch, p, index, orig + h), minus = at(loss, m, batch, p, index, orig - h);
            p.value().setInPlace(orig, index);
            double numeric = (plus - minus) / (2 * h), analytic = p.grad().get(index);
            assertTrue(
                    Math.abs(numeric) > 1e-6, name + Arrays.toString(index) + " has a negligible gradient " + numeric);
            assertEquals(numeric, analytic, 1e-6 * (1 + Math.abs(numeric)), name + Arrays.toString(index));
        }
    }

    static double at(LossFunction loss, LlamaModel m, TokenDataset.Batch batch, Variable p, int[] index, double value) {
        p.value().setInPlace(value, index);
        try (NoGrad ignored = NoGrad.enter()) {
            return loss.loss(m, batch).value().item();
        }
    }
}
