package io.flexigpt.nn.train;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.nn.LlamaConfig;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TinyModels;
import io.flexigpt.tensor.Tensor;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;

/** {@link LossFunction#crossEntropy()} is the mean over every batch position of {@code -log softmax(logits)[target]}. */
class CrossEntropyLossTest {

    @Provide
    Arbitrary<LlamaConfig> configs() {
        return TinyModels.configs();
    }

    @Property(tries = 25)
    void lossIsTheMeanNegativeLogLikelihoodOfTheTargets(@ForAll("configs") LlamaConfig config, @ForAll @IntRange(min = 1, max = 3) int batch,
                                                        @ForAll @IntRange(min = 1, max = 7) int length, @ForAll long seed) {
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
        double loss = LossFunction.crossEntropy().loss(model, new TokenDataset.Batch(inputs, targets)).value().item();
        assertEquals(expected, loss, 1e-5 * (1 + expected));
    }
}
