package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.autograd.NoGrad;
import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.nn.io.Checkpoints;
import io.flexigpt.nn.tokenizer.Llama2cTokenizer;
import io.flexigpt.nn.tokenizer.Tokenizer;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.TrainConfig;
import io.flexigpt.tensor.Linalg;
import io.flexigpt.tensor.SpectrumMethod;
import io.flexigpt.tensor.Svd;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exactness properties of the FlexiGPT construction on the real stories260K model. */
class FlexiGptExactnessTest {
    static LlamaModel teacher;
    static Tokenizer tokenizer;
    static TokenDataset data;
    static CalibrationData calibration;
    static final int[] PROBE = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376};

    /** Loads the shared data once, before the first test; while it is missing, each test is skipped (counted) instead. */
    @BeforeEach
    void load() throws IOException {
        if (calibration != null) return;
        teacher = LlamaModel.fromCheckpoint(Checkpoints.load(TestData.file("models/stories260K/stories260K.bin")));
        tokenizer = Llama2cTokenizer.load(TestData.file("models/stories260K/tok512.bin"));
        String text = Files.readString(TestData.file("text/tinystories/tinystories_val_head.txt"));
        data = TokenDataset.encode(text.substring(0, 60_000), tokenizer, null, 0.2);
        calibration = CalibrationData.sample(data.train(), 8, 64, 4, 7);
    }

    static double[] scores() {
        return new BlockInfluence().score(teacher, calibration);
    }

    @Test
    void atFullRankTheReplacementReproducesThePrunedBlock() {
        FlexiGptConfig full =
                FlexiGptConfig.standard(0.4, RankSpec.fraction(1.0)).withOutputScales(false);
        CompressionResult r = FlexiGpt.compress(teacher, scores(), calibration, full);
        Tensor expected = teacher.logits(PROBE), got = r.model().logits(PROBE);
        assertTrue(got.maxAbsDiff(expected) < 2e-3, "max logit difference " + got.maxAbsDiff(expected));
        for (int p : r.plan().pruned()) {
            Variable x = Variable.constant(calibrationInput(p));
            try (NoGrad ignored = NoGrad.enter()) {
                Tensor want = teacher.blocks().get(p).forward(x, 0, null).value(),
                        have = r.model().blocks().get(p).forward(x, 0, null).value();
                assertTrue(
                        have.maxAbsDiff(want)
                                < 1e-4
                                        * (1
                                                + want.abs()
                                                        .max(-1, false)
                                                        .max(0, false)
                                                        .max(0, false)
                                                        .item()),
                        "block " + p + ": " + have.maxAbsDiff(want));
            }
        }
    }

    private static Tensor calibrationInput(int block) {
        return FlexiGpt.blockInputs(teacher, calibration, new int[] {block})
                .get(block)
                .get(0);
    }

    @Test
    void sourceWeightsAreSharedInstancesNotCopies() {
        CompressionResult r =
                FlexiGpt.compress(teacher, scores(), calibration, FlexiGptConfig.standard(0.4, RankSpec.of(8)));
        for (int p : r.plan().pruned()) {
            int s = r.sources().get(p);
            TransformerBlock replacement = r.model().blocks().get(p),
                    source = r.model().blocks().get(s);
            for (String m : Projections.NAMES) {
                SharedLowRankLinear shared = (SharedLowRankLinear) Projections.get(replacement, m);
                assertSame(Projections.linear(source, m).weight(), shared.base(), m);
                assertSame(
                        Projections.linear(source, m).weight().value(),
                        shared.base().value(),
                        m);
            }
        }
        ParameterAccount acc = ParameterAccount.of(r.model());
        long removed = 0;
        for (int p : r.plan().pruned()) removed += teacher.blocks().get(p).parameterCount();
        long scalesAndNorms = r.plan().pruned().length * 4L * teacher.config().dim();
        assertEquals(teacher.parameterCount() - removed + acc.adapters() + scalesAndNorms, acc.stored());
        assertEquals(acc.adapters() + scalesAndNorms, acc.trainable());
        assertTrue(acc.computePerToken() > acc.stored());
    }

    @Test
    void metricEqualsTheSquaredFrobeniusResidualOfTheTruncatedDifference() {
        TransformerBlock p = teacher.blocks().get(2), s = teacher.blocks().get(1);
        int r = 4;
        double residual = 0, norm = 0;
        for (String m : Projections.NAMES) {
            Tensor wp = Projections.linear(p, m).weight().value().to(io.flexigpt.tensor.DType.F64),
                    d = wp.sub(Projections.linear(s, m).weight().value());
            Svd svd = Linalg.svd(d, r);
            residual += d.sub(svd.reconstruct()).square().sum();
            norm += wp.square().sum();
        }
        assertEquals(
                residual / norm,
                LowRankResidual.measure(p, s, RankSpec.of(r), SpectrumMethod.EXACT)
                        .error(),
                1e-9);
        // the default search takes the randomized top-r spectrum of the 64×64 and 172×64 differences at this rank
        assertEquals(residual / norm, LowRankResidual.error(p, s, RankSpec.of(r)), 1e-5 * residual / norm);
    }

    @Test
    void recoveryLeavesFrozenTensorsBitIdenticalAndTrainsAdapters() throws IOException {
        CompressionResult r =
                FlexiGpt.compress(teacher, scores(), calibration, FlexiGptConfig.standard(0.4, RankSpec.of(4)));
        LlamaModel student = r.model();
        List<Tensor> frozenBefore = new ArrayList<>(), trainableBefore = new ArrayList<>();
        List<Variable> frozen = new ArrayList<>(), trainable = new ArrayList<>();
        for (Variable v : student.parameters()) {
            (v.requiresGrad() ? trainable : frozen).add(v);
            (v.requiresGrad() ? trainableBefore : frozenBefore).add(v.value().copy());
        }
        TrainConfig cfg = TrainConfig.builder()
                .steps(6)
                .batchSize(2)
                .seqLen(32)
                .lr(1e-3)
                .minLr(1e-4)
                .warmupSteps(1)
                .seed(3)
                .build();
        Recovery.train(teacher, student, data, cfg, 1.0, 1.0, null, null);
        for (int i = 0; i < frozen.size(); i++)
            assertEquals(0.0, frozen.get(i).value().maxAbsDiff(frozenBefore.get(i)), "frozen tensor " + i);
        double moved = 0;
        for (int i = 0; i < trainable.size(); i++)
            moved += trainable.get(i).value().maxAbsDiff(trainableBefore.get(i));
        assertTrue(moved > 0, "adapters changed");
        for (Variable v : teacher.parameters()) assertTrue(v.value() != null);
    }

    @Test
    void extensionAtInitialisationLeavesLogitsUnchanged() {
        LlamaModel grown = Extension.extend(teacher, new int[] {0, 3}, RankSpec.of(4), 5);
        assertEquals(teacher.blocks().size() + 2, grown.blocks().size());
        assertEquals(0.0, grown.logits(PROBE).maxAbsDiff(teacher.logits(PROBE)));
        assertTrue(grown.trainableParameterCount() > 0);
        SharedLowRankLinear q =
                (SharedLowRankLinear) grown.blocks().get(1).attention().q();
        assertSame(grown.blocks().get(0).attention().q().parameters().get(0), q.base());
    }

    @Test
    void saveThenLoadGivesIdenticalLogitsAndStoresSharedWeightsOnce(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        CompressionResult r =
                FlexiGpt.compress(teacher, scores(), calibration, FlexiGptConfig.standard(0.4, RankSpec.of(4)));
        CompressedModels.save(dir.resolve("flexi"), r.model(), r.method());
        LlamaModel loaded = CompressedModels.load(dir.resolve("flexi"));
        Tensor expected = r.model().logits(PROBE), got = loaded.logits(PROBE);
        assertEquals(0.0, got.maxAbsDiff(expected), "logits after reload are bit-identical");
        assertEquals(r.model().parameterCount(), loaded.parameterCount());
        long fileBytes = Files.size(dir.resolve("flexi/model.safetensors"));
        long storedBytes = 4 * r.model().parameterCount();
        assertTrue(
                fileBytes < storedBytes + 64 * 1024 && fileBytes >= storedBytes,
                fileBytes + " bytes for " + storedBytes + " bytes of parameters");
        assertTrue(fileBytes < 4 * teacher.parameterCount(), "smaller than the teacher");
        for (int p : r.plan().pruned()) {
            SharedLowRankLinear q =
                    (SharedLowRankLinear) loaded.blocks().get(p).attention().q();
            assertSame(
                    Projections.linear(loaded.blocks().get(r.sources().get(p)), "q_proj")
                            .weight(),
                    q.base());
        }
    }

    @Test
    void featureMatchingIsZeroForTheTeacherItselfAndPositiveForAStudent() {
        io.flexigpt.nn.train.TokenDataset.Batch batch = data.sample(new io.flexigpt.tensor.Rng(3), 2, 32);
        double self = Recovery.distillation(teacher, 0.0, 0.0, 1.0)
                .loss(FlexiGpt.sharingWeights(teacher), batch)
                .value()
                .item();
        assertEquals(0.0, self, 1e-9);
        CompressionResult r =
                FlexiGpt.compress(teacher, scores(), calibration, FlexiGptConfig.standard(0.4, RankSpec.of(4)));
        Variable loss = Recovery.distillation(teacher, 1.0, 1.0, 1.0).loss(r.model(), batch);
        assertTrue(loss.value().item()
                > Recovery.distillation(teacher, 1.0, 1.0, 0.0)
                        .loss(r.model(), batch)
                        .value()
                        .item());
        loss.backward();
        assertNotNull(((SharedLowRankLinear)
                        r.model().blocks().get(r.plan().pruned()[0]).attention().q())
                .adapterA()
                .grad());
    }
}
