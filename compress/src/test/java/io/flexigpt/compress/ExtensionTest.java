package io.flexigpt.compress;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.autograd.Functions;
import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Extension: inserted blocks sit after the chosen blocks, reference those blocks' weights (the same
 * variables), start as the identity (so the grown model computes the original function) and are the only
 * trainable part, with a non-zero gradient on their output scales so that training can move them.
 */
class ExtensionTest {

    static Gen<int[]> insertionPoints() {
        return Generate.intArrays(integers().between(1, 4), integers().between(0, 3))
                .describedAs(java.util.Arrays::toString);
    }

    @Test
    void insertedBlocksShareTheirSourceAndStartAsTheIdentity() {
        qt(15).forAll(insertionPoints(), longs().all()).checkAssert((after, seed) -> {
            LlamaModel base = TinyModels.random(4, seed);
            List<TransformerBlock> baseBlocks = base.blocks().asList();
            LlamaModel grown = Extension.extend(base, after, RankSpec.of(3), seed);

            int[] sorted = after.clone();
            Arrays.sort(sorted);
            List<Integer> expectedSource = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                expectedSource.add(-1);
                for (int a : sorted) if (a == i) expectedSource.add(i);
            }
            assertEquals(expectedSource.size(), grown.blocks().size());
            int original = -1;
            Variable x = Variable.constant(new Rng(seed).normal(0, 1, 2, 5, TinyModels.DIM));
            for (int i = 0; i < grown.blocks().size(); i++) {
                TransformerBlock b = grown.blocks().get(i);
                if (expectedSource.get(i) < 0) {
                    original++;
                    assertSameWeightsAs(baseBlocks.get(original), b);
                    continue;
                }
                TransformerBlock source = grown.blocks().get(i - 1 - countInsertedBefore(expectedSource, i));
                for (String m : Projections.NAMES) {
                    assertSame(
                            Projections.linear(source, m).weight(),
                            ((SharedLowRankLinear) Projections.get(b, m)).base(),
                            "block " + i + " " + m);
                }
                try (NoGrad ignored = NoGrad.enter()) {
                    assertEquals(
                            0.0,
                            b.forward(x, 0, null).value().maxAbsDiff(x.value()),
                            "inserted block " + i + " is the identity");
                }
            }
            assertEquals(0.0, grown.logits(TinyModels.PROBE).maxAbsDiff(base.logits(TinyModels.PROBE)));
        });
    }

    /** Inserted blocks directly before position {@code i} (after the same source). */
    private static int countInsertedBefore(List<Integer> sources, int i) {
        int n = 0;
        for (int j = i - 1; j >= 0 && sources.get(j) >= 0; j--) n++;
        return n;
    }

    private static void assertSameWeightsAs(TransformerBlock expected, TransformerBlock actual) {
        for (String m : Projections.NAMES)
            assertEquals(
                    0.0,
                    Projections.linear(actual, m)
                            .weight()
                            .value()
                            .maxAbsDiff(Projections.linear(expected, m).weight().value()));
    }

    @Test
    void onlyTheNewBlocksTrainAndTheirScalesGetAGradientAtInitialisation() {
        LlamaModel base = TinyModels.random(3, 4);
        LlamaModel grown = Extension.extend(base, new int[] {1}, RankSpec.of(2), 4);
        TransformerBlock added = grown.blocks().get(2);
        for (Map.Entry<String, Variable> e : grown.namedParameters().entrySet()) {
            boolean own =
                    e.getKey().startsWith("model.layers.2.") && !e.getKey().endsWith("_proj.weight");
            assertEquals(own, e.getValue().requiresGrad(), e.getKey());
        }
        for (Variable v : base.parameters()) assertTrue(v.requiresGrad(), "the base model's flags are untouched");
        int[][] tokens = {TinyModels.PROBE};
        Variable logits = grown.forward(tokens);
        int[] targets = Arrays.copyOfRange(TinyModels.PROBE, 1, TinyModels.PROBE.length + 1);
        targets[targets.length - 1] = 0;
        Functions.crossEntropy(logits.reshape(targets.length, -1), targets).backward();
        assertTrue(added.attentionScale().grad().abs().sum() > 0, "attention scale gradient");
        assertTrue(added.mlpScale().grad().abs().sum() > 0, "MLP scale gradient");
        assertNull(Projections.linear(grown.blocks().get(1), "q_proj").weight().grad(), "shared weights are frozen");
    }

    @Test
    void anInsertionPointOutsideTheModelIsRejected() {
        LlamaModel base = TinyModels.random(3, 1);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Extension.extend(base, new int[] {0, 3}, RankSpec.of(2), 1));
        assertTrue(e.getMessage().contains("block 3 of 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Extension.extend(base, new int[] {-1}, RankSpec.of(2), 1));
    }

    @Test
    void evenlySpacedPointsAreDistinctAndInsideTheModel() {
        qt(100).forAll(integers().between(1, 64), integers().between(1, 64)).checkAssert((blocks, count) -> {
            int[] after = Extension.evenlySpaced(blocks, count);
            assertEquals(count, after.length);
            for (int k = 0; k < count; k++) {
                assertTrue(after[k] >= 0 && after[k] < blocks, Arrays.toString(after));
                if (k > 0)
                    assertTrue(
                            count <= blocks ? after[k] > after[k - 1] : after[k] >= after[k - 1],
                            Arrays.toString(after));
            }
        });
    }
}
