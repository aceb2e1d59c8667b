package io.flexigpt.compress;

import static io.flexigpt.tensor.testing.SeededTheory.qt;
import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.generators.SourceDSL.*;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.tensor.Rng;
import io.flexigpt.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The baselines and ablations: ShortGPT drop, drop + LoRA under a trainable-parameter budget, SLEB's greedy
 * removal, random source, LoRA instead of SVD init, no output normalisation and no sharing — each gives a
 * model with finite logits and the structure its definition asks for.
 */
class BaselinesTest {
    static final double[] SCORES = {9, 1, 5, 2, 8};

    private static void assertSameWeights(TransformerBlock expected, TransformerBlock actual, String what) {
        for (String m : Projections.NAMES) {
            assertEquals(
                    0.0,
                    Projections.linear(actual, m)
                            .weight()
                            .value()
                            .maxAbsDiff(Projections.linear(expected, m).weight().value()),
                    what + " " + m);
        }
    }

    @Test
    void shortGptKeepsTheOtherBlocksUnchangedAndFrozen() {
        qt(6).forAll(longs().all()).checkAssert(seed -> {
            LlamaModel teacher = TinyModels.random(5, seed);
            Tensor teacherLogits = teacher.logits(TinyModels.PROBE);
            CompressionResult r = Baselines.shortGpt(teacher, SCORES, 0.4, true, true);
            assertArrayEquals(new int[] {1, 3}, r.plan().pruned());
            assertEquals(3, r.model().blocks().size());
            int[] kept = r.plan().kept();
            for (int i = 0; i < kept.length; i++)
                assertSameWeights(
                        teacher.blocks().get(kept[i]), r.model().blocks().get(i), "block " + kept[i]);
            assertEquals(0, r.model().trainableParameterCount());
            assertTrue(TinyModels.allFinite(r.model().logits(TinyModels.PROBE)));
            assertEquals(5, teacher.blocks().size(), "the teacher is not modified");
            assertEquals(0.0, teacher.logits(TinyModels.PROBE).maxAbsDiff(teacherLogits));
        });
    }

    @Test
    void dropLoraStartsAsTheDroppedModelAndFillsTheBudget() {
        qt(8).forAll(integers().between(1, 7), integers().between(0, 100), longs().all())
                .checkAssert((rankInBudget, extra, seed) -> {
                    LlamaModel teacher = TinyModels.random(5, seed);
                    CompressionResult dropped = Baselines.shortGpt(teacher, SCORES, 0.4, true, true);
                    long perRank = 0, largestStep = 0;
                    for (TransformerBlock b : dropped.model().blocks().asList()) {
                        for (String m : Projections.NAMES) {
                            long step = Projections.get(b, m).inFeatures()
                                    + Projections.get(b, m).outFeatures();
                            perRank += step;
                            largestStep = Math.max(largestStep, step);
                        }
                    }
                    long budget = rankInBudget * perRank + extra * perRank / 101;
                    CompressionResult r = Baselines.dropLora(teacher, SCORES, 0.4, true, true, budget, seed);
                    assertArrayEquals(dropped.plan().pruned(), r.plan().pruned());
                    assertEquals(
                            0.0,
                            r.model()
                                    .logits(TinyModels.PROBE)
                                    .maxAbsDiff(dropped.model().logits(TinyModels.PROBE)),
                            "B = 0: the same function as the drop");
                    long trainable = r.model().trainableParameterCount();
                    assertTrue(
                            trainable <= budget && budget - trainable < largestStep,
                            "within one projection's step of the budget: " + trainable + " of " + budget);
                    for (TransformerBlock b : r.model().blocks().asList()) {
                        for (String m : Projections.NAMES) {
                            int rank = ((SharedLowRankLinear) Projections.get(b, m)).adapterRank();
                            assertTrue(
                                    rank == rankInBudget || rank == rankInBudget + 1,
                                    m + " has rank " + rank + ", expected " + rankInBudget + " or one more");
                        }
                    }
                    for (Map.Entry<String, Variable> e :
                            r.model().namedParameters().entrySet()) {
                        boolean adapter =
                                e.getKey().endsWith("lora_A") || e.getKey().endsWith("lora_B");
                        assertEquals(adapter, e.getValue().requiresGrad(), e.getKey());
                    }
                    for (TransformerBlock b : r.model().blocks().asList()) {
                        SharedLowRankLinear q =
                                (SharedLowRankLinear) b.attention().q();
                        assertEquals(0.0, q.adapterB().value().abs().sum(), "LoRA B starts at zero");
                    }
                });
    }

    @Test
    void slebRemovesTheBlockWhoseRemovalCostsLeastPerplexityAtEachStep() {
        qt(4).forAll(longs().all()).checkAssert(seed -> {
            LlamaModel teacher = TinyModels.random(5, seed);
            CalibrationData data = TinyModels.calibration(teacher, 4, 10, 2, seed);
            CompressionResult r = Baselines.sleb(teacher, data, 0.4);
            LlamaModel reduced = FlexiGpt.sharingWeights(teacher);
            List<Integer> original = new ArrayList<>(List.of(0, 1, 2, 3, 4));
            List<Integer> removed = new ArrayList<>();
            for (int step = 0; step < 2; step++) {
                double[] increase = new PerplexityIncrease().score(reduced, data);
                int best = 0;
                for (int j = 1; j < increase.length; j++) if (increase[j] < increase[best]) best = j;
                reduced.blocks().remove(best);
                removed.add(original.remove(best));
            }
            assertArrayEquals(
                    removed.stream().mapToInt(Integer::intValue).sorted().toArray(),
                    r.plan().pruned());
            assertEquals(3, r.model().blocks().size());
            for (int i = 0; i < 3; i++)
                assertSameWeights(
                        teacher.blocks().get(original.get(i)),
                        r.model().blocks().get(i),
                        "kept block " + original.get(i));
            assertEquals(0.0, r.model().logits(TinyModels.PROBE).maxAbsDiff(reduced.logits(TinyModels.PROBE)));
            assertEquals(0, r.model().trainableParameterCount());
        });
    }

    @Test
    void slebRejectsARateThatRemovesEveryBlock() {
        LlamaModel teacher = TinyModels.random(2, 1);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Baselines.sleb(teacher, TinyModels.calibration(teacher, 2, 8, 2, 1), 1.0));
        assertTrue(e.getMessage().contains("rate"), e.getMessage());
    }

    @Test
    void everyAblationGivesFiniteLogitsAndItsOwnStructure() {
        qt(6).forAll(longs().all()).checkAssert(seed -> {
            LlamaModel teacher = TinyModels.random(5, seed);
            CalibrationData data = TinyModels.calibration(teacher, 2, 8, 2, seed);
            FlexiGptConfig standard = FlexiGptConfig.standard(0.4, RankSpec.of(3));

            CompressionResult random = FlexiGpt.compress(
                    teacher, SCORES, data, standard.withSourceSelection(FlexiGptConfig.SourceSelection.RANDOM));
            assertEquals(
                    random.sources(),
                    FlexiGpt.compress(
                                    teacher,
                                    SCORES,
                                    data,
                                    standard.withSourceSelection(FlexiGptConfig.SourceSelection.RANDOM))
                            .sources(),
                    "seeded");
            for (int s : random.sources().values())
                assertTrue(s == 0 || s == 2 || s == 4, "random source " + s + " is a kept block");

            CompressionResult lora =
                    FlexiGpt.compress(teacher, SCORES, data, standard.withInit(FlexiGptConfig.AdapterInit.LORA));
            for (int p : lora.plan().pruned()) {
                for (String m : Projections.NAMES)
                    assertEquals(
                            0.0,
                            ((SharedLowRankLinear) Projections.get(
                                            lora.model().blocks().get(p), m))
                                    .adapterB()
                                    .value()
                                    .abs()
                                    .sum(),
                            m);
            }

            CompressionResult unscaled = FlexiGpt.compress(teacher, SCORES, data, standard.withOutputScales(false));
            for (int p : unscaled.plan().pruned())
                assertNull(unscaled.model().blocks().get(p).attentionScale());

            CompressionResult unshared = FlexiGpt.compress(teacher, SCORES, data, standard.withSharing(false));
            for (int p : unshared.plan().pruned()) {
                assertEquals(-1, unshared.sources().get(p));
                for (String m : Projections.NAMES)
                    assertNull(
                            ((SharedLowRankLinear) Projections.get(
                                            unshared.model().blocks().get(p), m))
                                    .base(),
                            m);
            }
            for (CompressionResult r : List.of(random, lora, unscaled, unshared)) {
                assertEquals(5, r.model().blocks().size());
                assertTrue(TinyModels.allFinite(r.model().logits(TinyModels.PROBE)));
            }
        });
    }

    @Test
    void withoutSharingAtFullRankTheReplacementReproducesThePrunedBlock() {
        qt(6).forAll(longs().all()).checkAssert(seed -> {
            LlamaModel teacher = TinyModels.random(5, seed);
            CompressionResult r = FlexiGpt.compress(
                    teacher,
                    SCORES,
                    null,
                    FlexiGptConfig.standard(0.4, RankSpec.fraction(1.0))
                            .withSharing(false)
                            .withOutputScales(false));
            Variable x = Variable.constant(new Rng(seed).normal(0, 1, 2, 6, TinyModels.DIM));
            for (int p : r.plan().pruned()) {
                try (NoGrad ignored = NoGrad.enter()) {
                    Tensor want = teacher.blocks().get(p).forward(x, 0, null).value(),
                            have = r.model().blocks().get(p).forward(x, 0, null).value();
                    assertTrue(have.maxAbsDiff(want) < 1e-4, "block " + p + ": " + have.maxAbsDiff(want));
                }
            }
            assertTrue(r.model().logits(TinyModels.PROBE).maxAbsDiff(teacher.logits(TinyModels.PROBE)) < 1e-3);
        });
    }
}
