package io.flexigpt.nn.train;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TinyModels;
import io.flexigpt.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** {@link LossFunction#crossEntropy()} is the mean over every batch position of {@code -log softmax(logits)[target]}. */
class CrossEntropyLossTest {

    static Gen<LlamaConfig> configs() {
        return TinyModels.configs();
    }

    @Test
    void lossIsTheMeanNegativeLogLikelihoodOfTheTargets() {
        qt(25).forAll(configs(), integers().between(1, 3), integers().between(1, 7), longs().all())
                .checkAssert((config, batch, length, seed) -> {
                    LlamaModel model = TinyModels.model(config, seed);
                    int[][] inputs = new int[batch][], targets = new int[batch][];
                    for (int b = 0; b < batch; b++) {
                        inputs[b] = TinyModels.tokens(seed + 2 * b, length, config.vocabSize());
                        targets[b] = TinyModels.tokens(seed + 2 * b + 1, length, config.vocabSize());
                    }
                    double expected = 0;
                    for (int b = 0; b < batch; b++) {
                        Tensor logits = model.logits(inputs[b]);
                        for (int t = 0; t < length; t++) {
                            double[] row = logits.select(0, t).toDoubleArray();
                            double max = Double.NEGATIVE_INFINITY, sum = 0;
                            for (double l : row) max = Math.max(max, l);
                            for (double l : row) sum += Math.exp(l - max);
                            expected += max + Math.log(sum) - row[targets[b][t]];
                        }
                    }
                    expected /= batch * length;
                    double loss = LossFunction.crossEntropy()
                            .loss(model, new TokenDataset.Batch(inputs, targets))
                            .value()
                            .item();
                    assertEquals(expected, loss, 1e-5 * (1 + expected));
                });
    }
}
