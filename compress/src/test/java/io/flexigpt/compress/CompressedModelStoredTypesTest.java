package io.flexigpt.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexigpt.autograd.Variable;
import io.flexigpt.nn.LlamaModel;
import io.flexigpt.nn.train.TokenDataset;
import io.flexigpt.nn.train.TrainConfig;
import io.flexigpt.tensor.Tensor;
import io.flexigpt.tensor.io.HalfFloats;
import io.flexigpt.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compressed model of a BF16 teacher is saved with its frozen tensors in BF16 and its trained ones in
 * F32, so the file is smaller than an all-F32 one, and it reloads bit-identically.
 */
class CompressedModelStoredTypesTest {
    @TempDir
    Path tmp;

    /** The teacher with every weight rounded to BF16, as a model loaded from a BF16 checkpoint holds them. */
    static LlamaModel bf16Teacher() {
        LlamaModel m = TinyModels.random(5, 31);
        Map<String, Tensor> w = new LinkedHashMap<>();
        m.stateDict().forEach((k, t) -> {
            float[] v = t.toFloatArray();
            for (int i = 0; i < v.length; i++) v[i] = HalfFloats.bf16ToF32(HalfFloats.f32ToBf16(v[i]));
            w.put(k, Tensor.of(v, t.shape()));
        });
        return LlamaModel.fromWeights(m.config(), w);
    }

    @Test
    void frozenTensorsKeepTheTeachersBf16AndTrainedOnesStayF32() throws IOException {
        LlamaModel teacher = bf16Teacher();
        CalibrationData calibration = TinyModels.calibration(teacher, 4, 10, 2, 3);
        LlamaModel student = FlexiGpt.compress(
                        teacher,
                        new BlockInfluence().score(teacher, calibration),
                        calibration,
                        FlexiGptConfig.standard(0.4, RankSpec.of(2)))
                .model();
        TokenDataset data = new TokenDataset(
                TinyModels.tokens(teacher.config().vocabSize(), 300, 1),
                TinyModels.tokens(teacher.config().vocabSize(), 100, 2));
        Recovery.train(
                teacher,
                student,
                data,
                TrainConfig.builder()
                        .steps(3)
                        .batchSize(2)
                        .seqLen(12)
                        .lr(1e-2)
                        .minLr(1e-3)
                        .warmupSteps(1)
                        .seed(4)
                        .build(),
                1.0,
                1.0,
                null,
                null);

        Path dir = tmp.resolve("student");
        CompressedModels.save(dir, student, "flexigpt");
        Map<String, Variable> params = student.namedParameters();
        long f32Bytes = 0, expectedBytes = 0;
        try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve("model.safetensors"))) {
            assertEquals(student.parameters().size(), f.names().size(), "each distinct tensor once");
            for (String name : f.names()) {
                Variable v = params.get(name);
                f32Bytes += 4L * v.value().numel();
                expectedBytes += (v.requiresGrad() ? 4L : 2L) * v.value().numel();
                assertEquals(v.requiresGrad() ? "F32" : "BF16", f.info(name).dtype(), name);
            }
        }
        Path file = dir.resolve("model.safetensors");
        long header = java.nio.ByteBuffer.wrap(Files.readAllBytes(file), 0, 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong();
        assertEquals(8 + header + expectedBytes, Files.size(file), "2 bytes per frozen value, 4 per trained one");
        assertTrue(expectedBytes < 0.8 * f32Bytes, expectedBytes + " data bytes against " + f32Bytes + " in F32");
        LlamaModel loaded = CompressedModels.load(dir);
        float[] want = student.logits(TinyModels.PROBE).toFloatArray(),
                got = loaded.logits(TinyModels.PROBE).toFloatArray();
        for (int i = 0; i < want.length; i++)
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "logit " + i);
    }
}
