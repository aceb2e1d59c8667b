package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.*;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.Projection;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.TrainConfig;
import io.flexigpt.nn.train.Trainer;
import io.flexigpt.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What trains is decided by the model's structure, not by parameter names: each method leaves exactly the
 * tensors it adds trainable (adapters; norm gains and output scales of replacement blocks), and a shared
 * base weight stays frozen through training even when it is registered under an adapter's name.
 */
class TrainableStructureTest {
    static final double[] SCORES = {9, 1, 5, 2, 8};
    static final TrainConfig STEPS = TrainConfig.builder()
            .steps(3)
            .batchSize(2)
            .seqLen(12)
            .lr(5e-2)
            .minLr(5e-3)
            .warmupSteps(1)
            .weightDecay(0.1)
            .seed(5)
            .build();

    private static Set<Variable> identitySet(Collection<Variable> vs) {
        Set<Variable> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(vs);
        return s;
    }

    /** The adapter factors of every shared low-rank projection of {@code block}, read off its projections. */
    private static List<Variable> adapters(TransformerBlock block) {
        List<Variable> out = new ArrayList<>();
        for (Projection p : block.projections().values()) {
            if (p instanceof SharedLowRankLinear s) {
                out.add(s.adapterA());
                out.add(s.adapterB());
            }
        }
        return out;
    }

    /** A replacement block's own tensors: its norm gains, output scales and adapters. */
    private static List<Variable> replacementParts(TransformerBlock block) {
        List<Variable> out = new ArrayList<>(
                List.of(block.attentionNorm().weight(), block.mlpNorm().weight()));
        if (block.attentionScale() != null) out.add(block.attentionScale());
        if (block.mlpScale() != null) out.add(block.mlpScale());
        out.addAll(adapters(block));
        return out;
    }

    /** Every base weight a shared low-rank projection of {@code model} holds. */
    private static List<Variable> bases(LlamaModel model) {
        List<Variable> out = new ArrayList<>();
        for (TransformerBlock b : model.blocks().asList()) {
            for (Projection p : b.projections().values())
                if (p instanceof SharedLowRankLinear s && s.base() != null) out.add(s.base());
        }
        return out;
    }

    private static CompressionResult flexiGpt(LlamaModel teacher) {
        CalibrationData calibration = TinyModels.calibration(teacher, 4, 10, 2, 3);
        return FlexiGpt.compress(teacher, SCORES, calibration, FlexiGptConfig.standard(0.4, RankSpec.of(2)));
    }

    @Test
    void flexiGptLeavesExactlyTheReplacementsOwnTensorsTrainable() {
        CompressionResult r = flexiGpt(TinyModels.random(5, 3));
        List<Variable> expected = new ArrayList<>();
        for (int p : r.plan().pruned())
            expected.addAll(replacementParts(r.model().blocks().get(p)));
        assertEquals(identitySet(expected), identitySet(r.model().trainableParameters()));
        assertFalse(bases(r.model()).isEmpty(), "the replacements share base weights");
        for (Variable base : bases(r.model())) assertFalse(base.requiresGrad(), "a shared base is frozen");
    }

    @Test
    void dropLoraLeavesExactlyTheAdaptersTrainable() {
        LlamaModel student = Baselines.dropLora(TinyModels.random(5, 3), SCORES, 0.4, true, true, 5000, 1)
                .model();
        List<Variable> expected = new ArrayList<>();
        for (TransformerBlock b : student.blocks().asList()) expected.addAll(adapters(b));
        assertEquals(7 * 2 * student.blocks().size(), expected.size());
        assertEquals(identitySet(expected), identitySet(student.trainableParameters()));
        for (Variable base : bases(student)) assertFalse(base.requiresGrad(), "a LoRA base is frozen");
    }

    @Test
    void extensionLeavesExactlyTheInsertedBlocksOwnTensorsTrainable() {
        LlamaModel grown = Extension.extend(TinyModels.random(3, 4), new int[] {0, 2}, RankSpec.of(2), 3);
        List<Variable> expected = new ArrayList<>();
        for (int inserted : new int[] {1, 4})
            expected.addAll(replacementParts(grown.blocks().get(inserted)));
        assertEquals(identitySet(expected), identitySet(grown.trainableParameters()));
    }

    /** A replacement block that also registers its shared bases under adapter names and an adapter under a weight's name. */
    static final class MisleadinglyNamedBlock extends TransformerBlock {
        MisleadinglyNamedBlock(TransformerBlock b) {
            super(
                    b.attentionNorm(),
                    b.attention(),
                    b.mlpNorm(),
                    b.mlp(),
                    b.attentionScale().value(),
                    b.mlpScale().value(),
                    b.normalisedBranches());
            SharedLowRankLinear q = (SharedLowRankLinear) b.attention().q(),
                    k = (SharedLowRankLinear) b.attention().k();
            parameter("lora_A", q.base());
            parameter("lora_B", k.base());
            parameter("frozen.weight", q.adapterA());
        }
    }

    @Test
    void aSharedBaseNamedLikeAnAdapterStaysFrozenThroughTraining() throws IOException {
        CompressionResult r = flexiGpt(TinyModels.random(5, 3));
        LlamaModel student = r.model();
        int p = r.plan().pruned()[0];
        MisleadinglyNamedBlock block =
                new MisleadinglyNamedBlock(student.blocks().get(p));
        student.blocks().replace(p, block);
        String prefix = "model.layers." + p + ".";
        assertSame(
                ((SharedLowRankLinear) block.attention().q()).base(),
                student.namedParameters().get(prefix + "lora_A"));
        assertSame(
                ((SharedLowRankLinear) block.attention().q()).adapterA(),
                student.namedParameters().get(prefix + "frozen.weight"));

        FlexiGpt.freezeAllButReplacements(student, r.plan().pruned());
        List<Variable> expected = new ArrayList<>();
        for (int i : r.plan().pruned())
            expected.addAll(replacementParts(student.blocks().get(i)));
        assertFalse(
                student.namedParameters().get(prefix + "lora_A").requiresGrad(),
                "a base named like an adapter stays frozen");
        assertTrue(
                student.namedParameters().get(prefix + "frozen.weight").requiresGrad(),
                "an adapter named like a weight trains");
        assertEquals(identitySet(expected), identitySet(student.trainableParameters()));

        List<Variable> bases = bases(student);
        List<Tensor> basesBefore = new ArrayList<>(), trainableBefore = new ArrayList<>();
        for (Variable v : bases) basesBefore.add(v.value().copy());
        for (Variable v : expected) trainableBefore.add(v.value().copy());
        int vocab = student.config().vocabSize();
        TokenDataset data = new TokenDataset(TinyModels.tokens(vocab, 400, 11), TinyModels.tokens(vocab, 100, 12));
        new Trainer(student, data, STEPS, io.flexigpt.nn.train.LossFunction.crossEntropy(), null, null).run();

        for (int i = 0; i < bases.size(); i++)
            assertEquals(0.0, bases.get(i).value().maxAbsDiff(basesBefore.get(i)), "shared base " + i + " unchanged");
        double moved = 0;
        for (int i = 0; i < expected.size(); i++)
            moved += expected.get(i).value().maxAbsDiff(trainableBefore.get(i));
        assertTrue(moved > 0, "training changed the replacements' own tensors");
    }
}
