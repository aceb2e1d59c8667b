package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.TransformerBlock;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.TrainConfig;
import io.flexigpt.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A compressed or grown student holds the teacher's frozen tensors themselves (no copies), only its new
 * tensors are its own, and recovery training leaves the teacher bit-identical.
 */
class SharedTeacherTensorsTest {
    /** Weight decay and a large step make any update of a shared tensor visible in the teacher's logits. */
    static final TrainConfig RECOVERY = TrainConfig.builder()
            .steps(4)
            .batchSize(2)
            .seqLen(12)
            .lr(5e-2)
            .minLr(5e-3)
            .warmupSteps(1)
            .weightDecay(0.1)
            .seed(3)
            .build();

    static Set<Tensor> tensors(LlamaModel m) {
        Set<Tensor> s = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Variable v : m.parameters()) s.add(v.value());
        return s;
    }

    static TokenDataset data(LlamaModel m) {
        return new TokenDataset(
                TinyModels.tokens(m.config().vocabSize(), 400, 11),
                TinyModels.tokens(m.config().vocabSize(), 100, 12));
    }

    /** Trains the student against the teacher and checks the teacher's logits and tensors did not change while the student's trainable tensors did. */
    static void assertRecoveryLeavesTeacherUnchanged(LlamaModel teacher, LlamaModel student) throws IOException {
        Tensor logitsBefore = teacher.logits(TinyModels.PROBE);
        Map<String, Tensor> stateBefore = new LinkedHashMap<>();
        teacher.stateDict().forEach((k, v) -> stateBefore.put(k, v.copy()));
        List<Variable> trainable = student.trainableParameters();
        List<Tensor> trainableBefore = new ArrayList<>();
        for (Variable v : trainable) trainableBefore.add(v.value().copy());
        assertTrue(!trainable.isEmpty(), "the student has trainable tensors");

        Recovery.train(teacher, student, data(teacher), RECOVERY, 1.0, 1.0, null, null);

        Tensor logitsAfter = teacher.logits(TinyModels.PROBE);
        float[] a = logitsBefore.toFloatArray(), b = logitsAfter.toFloatArray();
        for (int i = 0; i < a.length; i++)
            assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "teacher logit " + i);
        teacher.stateDict()
                .forEach((k, v) -> assertEquals(0.0, v.maxAbsDiff(stateBefore.get(k)), "teacher tensor " + k));
        double moved = 0;
        for (int i = 0; i < trainable.size(); i++)
            moved += trainable.get(i).value().maxAbsDiff(trainableBefore.get(i));
        assertTrue(moved > 0, "recovery changed the student's trainable tensors");
        Set<Tensor> teacherTensors = tensors(teacher);
        for (Variable v : trainable)
            assertTrue(!teacherTensors.contains(v.value()), "a trainable tensor is the teacher's");
    }

    @Test
    void flexiGptStudentReusesTheTeachersTensorsAndOnlyItsNewOnesAreTrainable() throws IOException {
        LlamaModel teacher = TinyModels.random(5, 3);
        CalibrationData calibration = TinyModels.calibration(teacher, 4, 10, 2, 3);
        CompressionResult r = FlexiGpt.compress(
                teacher,
                new BlockInfluence().score(teacher, calibration),
                calibration,
                FlexiGptConfig.standard(0.4, RankSpec.of(2)));
        LlamaModel student = r.model();
        assertSame(
                teacher.embedding().weight().value(),
                student.embedding().weight().value(),
                "embedding shared");
        for (int k : r.plan().kept()) {
            TransformerBlock t = teacher.blocks().get(k), s = student.blocks().get(k);
            t.namedParameters()
                    .forEach((name, v) -> assertSame(
                            v.value(), s.namedParameters().get(name).value(), "kept block " + k + " " + name));
            assertNotSame(t.attention().q(), s.attention().q(), "the student's modules are its own");
        }
        Set<Tensor> teacherTensors = tensors(teacher);
        for (int p : r.plan().pruned()) {
            SharedLowRankLinear q =
                    (SharedLowRankLinear) student.blocks().get(p).attention().q();
            int source = r.sources().get(p);
            if (source >= 0)
                assertSame(
                        Projections.linear(teacher.blocks().get(source), "q_proj")
                                .weight()
                                .value(),
                        q.base().value(),
                        "shared base of block " + p);
        }
        long fresh = 0;
        for (Variable v : student.parameters())
            if (!teacherTensors.contains(v.value())) fresh += v.value().numel();
        assertEquals(student.trainableParameterCount(), fresh, "only the trainable tensors are new");
        assertRecoveryLeavesTeacherUnchanged(teacher, student);
    }

    @Test
    void dropLoraAndExtensionStudentsLeaveTheTeacherBitIdenticalAfterRecovery() throws IOException {
        LlamaModel teacher = TinyModels.random(4, 5);
        CalibrationData calibration = TinyModels.calibration(teacher, 4, 10, 2, 5);
        double[] importance = new BlockInfluence().score(teacher, calibration);
        assertRecoveryLeavesTeacherUnchanged(
                teacher,
                Baselines.dropLora(teacher, importance, 0.25, false, false, 200, 7)
                        .model());
        assertRecoveryLeavesTeacherUnchanged(teacher, Extension.extend(teacher, new int[] {1}, RankSpec.of(2), 9));
    }

    @Test
    void loadingAStateDictNeverOverwritesAFrozenSharedTensor() {
        LlamaModel teacher = TinyModels.random(3, 8);
        LlamaModel student = FlexiGpt.sharingWeights(teacher);
        student.freeze();
        Map<String, Tensor> same = student.stateDict();
        student.loadStateDict(same, true);
        Map<String, Tensor> changed = new LinkedHashMap<>(same);
        changed.put("model.norm.weight", same.get("model.norm.weight").add(1));
        Tensor before = teacher.logits(TinyModels.PROBE);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> student.loadStateDict(changed, true));
        assertTrue(
                e.getMessage().contains("'model.norm.weight'") && e.getMessage().contains("frozen"), e.getMessage());
        assertEquals(0.0, teacher.logits(TinyModels.PROBE).maxAbsDiff(before));
    }
}
