package io.flexigpt.compress;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The four block-importance metrics: one finite, reproducible score per block that leaves the model as it
 * was; the values their definitions give (checked against direct computations); and a block whose residual
 * branches output zero scoring 0 and being pruned first.
 */
class ImportanceMetricsTest {
    static final List<String> NAMES = List.of("bi", "l2", "taylor", "ppl");

    static Gen<String> metrics() {
        return arbitrary().pick(NAMES);
    }

    @Test
    void oneFiniteReproducibleScorePerBlockAndTheModelIsLeftUnchanged() {
        qt(16).forAll(metrics(), longs().all(), integers().between(1, 5)).checkAssert((name, seed, layers) -> {
            LlamaModel model = TinyModels.random(layers, seed);
            CalibrationData data = TinyModels.calibration(model, 5, 12, 2, seed);
            model.blocks().get(0).attentionNorm().weight().setRequiresGrad(false);
            List<TransformerBlock> blocksBefore = model.blocks().asList();
            List<Boolean> trainableBefore = new ArrayList<>();
            for (Variable v : model.parameters()) trainableBefore.add(v.requiresGrad());
            Tensor logitsBefore = model.logits(TinyModels.PROBE);

            ImportanceMetric metric = ImportanceMetric.byName(name);
            double[] first = metric.score(model, data), second = metric.score(model, data);

            assertEquals(layers, first.length);
            for (double s : first) assertTrue(Double.isFinite(s), name + " score " + s);
            assertArrayEquals(first, second, name + " is deterministic");
            assertEquals(blocksBefore, model.blocks().asList(), "same blocks in the same order");
            List<Variable> params = model.parameters();
            for (int i = 0; i < params.size(); i++) {
                assertEquals(trainableBefore.get(i), params.get(i).requiresGrad(), "requiresGrad of parameter " + i);
                assertNull(params.get(i).grad(), "no gradient left on parameter " + i);
            }
            assertEquals(0.0, model.logits(TinyModels.PROBE).maxAbsDiff(logitsBefore));
        });
    }

    @Test
    void aBlockWhoseBranchesOutputZeroScoresZero() {
        qt(16).forAll(metrics(), longs().all(), integers().between(0, 3)).checkAssert((name, seed, block) -> {
            LlamaModel model = TinyModels.withIdentityBlock(TinyModels.random(4, seed), block);
            double[] s = ImportanceMetric.byName(name).score(model, TinyModels.calibration(model, 4, 10, 2, seed));
            assertEquals(0.0, s[block], 1e-12, name + " of the identity block");
            for (int i = 0; i < s.length; i++)
                if (i != block) assertNotEquals(0.0, s[i], name + " of ordinary block " + i);
        });
    }

    @Test
    void onStoriesTheIdentityBlockIsPrunedFirstByEveryMetric() throws IOException {
        LlamaModel model = TinyModels.withIdentityBlock(TinyModels.stories260K(), 2);
        CalibrationData data = TinyModels.storiesCalibration(4, 48, 2, 11);
        for (String name : NAMES) {
            double[] s = ImportanceMetric.byName(name).score(model, data);
            PruningPlan plan = PruningPlan.lowestScores(model, s, 0.2, false, false);
            assertArrayEquals(new int[] {2}, plan.pruned(), name + " scores " + java.util.Arrays.toString(s));
            for (int i = 0; i < s.length; i++)
                if (i != 2) assertTrue(s[i] > 1e-4, name + " of block " + i + " = " + s[i]);
        }
    }

    /** Inputs and outputs of every block on every calibration batch, as {@code [tokens, dim]} rows in double. */
    private static Map<Integer, List<double[][]>> hiddenStates(LlamaModel model, CalibrationData data) {
        Map<Integer, List<double[][]>> states = new LinkedHashMap<>();
        try (NoGrad ignored = NoGrad.enter()) {
            for (int[][] batch : data.inputs()) {
                model.forward(batch, 0, null, (i, in, out) -> {
                    int d = in.dim(2);
                    states.computeIfAbsent(i, k -> new ArrayList<>()).add(new double[][] {
                        in.value().toDoubleArray(), out.value().toDoubleArray(), {d}
                    });
                });
            }
        }
        return states;
    }

    @Test
    void blockInfluenceAndRelativeL2AreTokenMeansOfTheirDefinitions() {
        qt(10).forAll(longs().all(), integers().between(1, 7)).checkAssert((seed, windows) -> {
            LlamaModel model = TinyModels.random(3, seed);
            CalibrationData data = TinyModels.calibration(model, windows, 9, 3, seed);
            double[] bi = new BlockInfluence().score(model, data), l2 = new RelativeL2().score(model, data);
            for (Map.Entry<Integer, List<double[][]>> e :
                    hiddenStates(model, data).entrySet()) {
                double cosSum = 0, relSum = 0;
                int tokens = 0;
                for (double[][] io : e.getValue()) {
                    double[] in = io[0], out = io[1];
                    int d = (int) io[2][0];
                    for (int t = 0; t < in.length / d; t++) {
                        double dot = 0, ni = 0, no = 0, dd = 0;
                        for (int j = t * d; j < (t + 1) * d; j++) {
                            dot += in[j] * out[j];
                            ni += in[j] * in[j];
                            no += out[j] * out[j];
                            dd += (out[j] - in[j]) * (out[j] - in[j]);
                        }
                        cosSum += dot / Math.sqrt(ni * no);
                        relSum += Math.sqrt(dd / ni);
                        tokens++;
                    }
                }
                assertEquals(windows * 9, tokens);
                int i = e.getKey();
                assertEquals(1 - cosSum / tokens, bi[i], 1e-5, "BI of block " + i);
                assertEquals(relSum / tokens, l2[i], 1e-5 * (1 + relSum / tokens), "relative L2 of block " + i);
                assertTrue(bi[i] >= -1e-7 && bi[i] <= 2, "BI in [0, 2]: " + bi[i]);
            }
        });
    }

    @Test
    void taylorScoreIsTheDerivativeOfTheLossAlongTheBlocksOwnScaling() {
        qt(6).forAll(longs().all()).checkAssert(seed -> {
            LlamaModel model = TinyModels.random(3, seed);
            CalibrationData data = TinyModels.calibration(model, 4, 16, 2, seed);
            double[] taylor = new TaylorImportance().score(model, data);
            double eps = 2e-3;
            for (int i = 0; i < taylor.length; i++) {
                double slope = (data.loss(scaledBlock(model, i, 1 + eps)) - data.loss(scaledBlock(model, i, 1 - eps)))
                        / (2 * eps);
                assertEquals(Math.abs(slope), taylor[i], 5e-4 + 0.02 * taylor[i], "block " + i);
            }
        });
    }

    /** A copy of {@code model} with every parameter of block {@code block} multiplied by {@code factor}. */
    private static LlamaModel scaledBlock(LlamaModel model, int block, double factor) {
        Map<String, Tensor> changes = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            if (e.getKey().startsWith("model.layers." + block + "."))
                changes.put(e.getKey(), e.getValue().mul(factor));
        }
        return TinyModels.edited(model, changes);
    }

    @Test
    void perplexityIncreaseIsThePerplexityWithoutTheBlockMinusThePerplexityWithIt() {
        qt(8).forAll(longs().all()).checkAssert(seed -> {
            LlamaModel model = TinyModels.random(3, seed);
            CalibrationData data = TinyModels.calibration(model, 4, 10, 2, seed);
            double[] s = new PerplexityIncrease().score(model, data);
            double base = data.perplexity(model);
            for (int i = 0; i < s.length; i++) {
                LlamaModel without = FlexiGpt.sharingWeights(model);
                without.blocks().remove(i);
                assertEquals(data.perplexity(without) - base, s[i], 1e-9 * base, "block " + i);
            }
        });
    }

    @Test
    void metricsAreFoundByTheirNamesAndAnUnknownNameListsTheChoices() {
        for (String name : NAMES)
            assertEquals(name, ImportanceMetric.byName(name).name());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ImportanceMetric.byName("cosine"));
        assertTrue(
                e.getMessage().contains("'cosine'") && e.getMessage().contains("bi, ppl, l2 or taylor"),
                e.getMessage());
    }
}
