package io.flexigpt.nn;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.train.LossFunction;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.tensor.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The cross-entropy gradient of a whole tiny Llama model: in fp64 it matches central finite differences
 * for sampled entries of every parameter (embedding, each projection, every norm gain, the output head);
 * in fp32 it agrees with the fp64 gradient.
 */
class ModelGradientTest {
    static final double STEP = 1e-6, TOLERANCE = 1e-6;

    static Gen<LlamaConfig> configs() {
        return TinyModels.configs();
    }

    @Test
    void lossGradientMatchesCentralDifferences() {
        qt(40).forAll(configs(), integers().between(1, 5), longs().all()).checkAssert((config, length, seed) -> {
            LlamaModel model = TinyModels.toF64(TinyModels.model(config, seed));
            TokenDataset.Batch batch = batch(config, length, seed);
            LossFunction loss = LossFunction.crossEntropy();
            loss.loss(model, batch).backward();

            Random r = new Random(seed);
            double largest = 0;
            for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
                Variable p = e.getValue();
                Tensor grad = p.grad();
                assertNotNull(grad, e.getKey() + " got no gradient");
                for (int sample = 0; sample < 2; sample++) {
                    int[] index = pick(p, e.getKey(), batch, r);
                    double orig = p.value().get(index);
                    double plus = evaluate(loss, model, batch, p, index, orig + STEP);
                    double minus = evaluate(loss, model, batch, p, index, orig - STEP);
                    p.value().setInPlace(orig, index);
                    double numeric = (plus - minus) / (2 * STEP), analytic = grad.get(index);
                    largest = Math.max(largest, Math.abs(numeric));
                    assertTrue(
                            Math.abs(analytic - numeric) <= TOLERANCE * (1 + Math.abs(numeric)),
                            e.getKey() + java.util.Arrays.toString(index) + ": analytic " + analytic + ", numeric "
                                    + numeric);
                }
            }
            assertTrue(
                    largest > 1e-3,
                    "all sampled gradients are negligible (largest " + largest + "), the check would prove nothing");
        });
    }

    @Test
    void fp32GradientAgreesWithFp64() {
        qt(30).forAll(configs(), integers().between(1, 6), longs().all()).checkAssert((config, length, seed) -> {
            LlamaModel single = TinyModels.model(config, seed), dbl = TinyModels.toF64(single);
            TokenDataset.Batch batch = batch(config, length, seed);
            LossFunction.crossEntropy().loss(single, batch).backward();
            LossFunction.crossEntropy().loss(dbl, batch).backward();
            Map<String, Variable> expected = dbl.namedParameters();
            for (Map.Entry<String, Variable> e : single.namedParameters().entrySet()) {
                Tensor g32 = e.getValue().grad(), g64 = expected.get(e.getKey()).grad();
                double scale = g64.abs().reshape(-1).max(0, false).item();
                double diff = g32.maxAbsDiff(g64);
                // fp32 rounding reaches ~2e-4 of the largest entry when the model is confidently wrong (sharp softmax)
                assertTrue(
                        diff <= 1e-3 * scale + 1e-6,
                        e.getKey() + ": fp32 gradient differs by " + diff + " (largest entry " + scale + ")");
            }
        });
    }

    /** A random entry; for the embedding, half of the picks are rows of input tokens (the others are mostly zero-gradient rows). */
    static int[] pick(Variable p, String name, TokenDataset.Batch batch, Random r) {
        int[] shape = p.shape(), index = new int[shape.length];
        for (int i = 0; i < shape.length; i++) index[i] = r.nextInt(shape[i]);
        if (name.equals("model.embed_tokens.weight") && r.nextBoolean())
            index[0] = batch.inputs()[0][r.nextInt(batch.inputs()[0].length)];
        return index;
    }

    static double evaluate(
            LossFunction loss, LlamaModel model, TokenDataset.Batch batch, Variable p, int[] index, double value) {
        p.value().setInPlace(value, index);
        try (NoGrad ignored = NoGrad.enter()) {
            return loss.loss(model, batch).value().item();
        }
    }

    /** Two rows of {@code length} random inputs and targets. */
    static TokenDataset.Batch batch(LlamaConfig config, int length, long seed) {
        int v = config.vocabSize();
        return new TokenDataset.Batch(
                new int[][] {TinyModels.tokens(seed, length, v), TinyModels.tokens(seed + 1, length, v)},
                new int[][] {TinyModels.tokens(seed + 2, length, v), TinyModels.tokens(seed + 3, length, v)});
    }
}
